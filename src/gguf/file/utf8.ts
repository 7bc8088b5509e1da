// GGUF strings are UTF-8. TextEncoder/TextDecoder exist everywhere but in bare engine shells
// (JavaScriptCore's jsc), which get the small codec below; ASCII, the usual case for keys and
// tensor names, skips both. A leading U+FEFF is kept: some vocabularies have it as a token.

const decoder = typeof TextDecoder === "function" ? new TextDecoder("utf-8", { ignoreBOM: true }) : undefined;
const encoder = typeof TextEncoder === "function" ? new TextEncoder() : undefined;

export function decodeUtf8(bytes: Uint8Array): string {
  if (bytes.length < 64) {
    let ascii = true;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) { ascii = false; break; }
    if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  if (decoder) return decoder.decode(bytes);
  let s = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const n = b < 0x80 ? 0 : b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : -1;
    let c = n === 0 ? b : n === 1 ? b & 0x1f : n === 2 ? b & 0x0f : b & 0x07;
    let ok = n >= 0 && i + n < bytes.length;
    for (let k = 1; ok && k <= n; k++) {
      const t = bytes[i + k];
      if (t === undefined || (t & 0xc0) !== 0x80) ok = false;
      else c = (c << 6) | (t & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8 either.
    if (ok && (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) || c < [0, 0x80, 0x800, 0x10000][n])) ok = false;
    if (!ok) { s += "\ufffd"; i++; continue; }
    s += String.fromCodePoint(c);
    i += n + 1;
  }
  return s;
}

export function encodeUtf8(s: string): Uint8Array {
  if (encoder) return encoder.encode(s);
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}
