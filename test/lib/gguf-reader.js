// A minimal GGUF reader for tests (v1, v2, v3): metadata skipped over, tensor infos and data
// offsets read. The package's own GGUF reader comes with the GGUF files issue.

// The jsc shell has no TextDecoder; tensor names and keys here are ASCII.
const decode = typeof TextDecoder === "function" ? (b) => new TextDecoder().decode(b) : (b) => String.fromCharCode(...b);

export function readGgufTensors(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const u32 = () => ((at += 4), view.getUint32(at - 4, true));
  const u64 = () => ((at += 8), Number(view.getBigUint64(at - 8, true)));
  if (u32() !== 0x46554747) throw new Error("not a GGUF file");
  const version = u32();
  const count = () => (version === 1 ? u32() : u64());
  const string = () => {
    const n = count();
    at += n;
    return decode(bytes.subarray(at - n, at));
  };
  const SIZES = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
  let alignment = 32;
  const skipValue = (type) => {
    if (type === 8) return string();
    if (type === 9) {
      const itemType = u32();
      const n = count();
      for (let i = 0; i < n; i++) skipValue(itemType);
      return undefined;
    }
    const size = SIZES[type];
    if (!size) throw new Error(`unknown GGUF value type ${type}`);
    const value = type === 4 ? view.getUint32(at, true) : undefined;
    at += size;
    return value;
  };
  const tensorCount = count();
  const kvCount = count();
  for (let i = 0; i < kvCount; i++) {
    const key = string();
    const value = skipValue(u32());
    if (key === "general.alignment") alignment = value;
  }
  const tensors = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = string();
    const dims = u32();
    const shape = Array.from({ length: dims }, () => (version === 1 ? u32() : u64()));
    tensors.push({ name, shape, typeId: u32(), offset: u64() });
  }
  const dataStart = Math.ceil(at / alignment) * alignment;
  for (const t of tensors) t.offset += dataStart;
  return { version, tensors };
}
