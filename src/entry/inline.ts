// `qsimd/inline`: the builds travel inside this JavaScript, for bundlers and webviews that cannot
// serve a separate .wasm file. About 4/3 the size of the wasm files; prefer the default entry
// where a file can be served.
import { inlineBuilds } from "../wasm/inline.js";
import { fetchUrl, makeHost } from "../host.js";
import { type LoadOptions, loadWith } from "../load.js";
import type { Qsimd } from "../instance.js";

export * from "../api.js";
import { type GgufFile, type GgufSource, type ReadGgufOptions, readGgufWith } from "../gguf/file/read.js";
import { openDenoFile } from "../gguf/file/deno-files.js";

const host = makeHost((variant) => decodeBase64(inlineBuilds[variant]), fetchUrl);

/** A new qsimd instance running the best build this host supports (or `options.variant`). */
export function load(options?: LoadOptions): Promise<Qsimd> {
  return loadWith(host, options);
}

// Own decoder: atob is missing from some shells and embedded engines.
function decodeBase64(text: string): Uint8Array {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const values = new Uint8Array(128);
  for (let i = 0; i < 64; i++) values[alphabet.charCodeAt(i)] = i;
  const length = text.length;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < length; i += 4) {
    const n = (values[text.charCodeAt(i)] << 18) | (values[text.charCodeAt(i + 1)] << 12) |
      (values[text.charCodeAt(i + 2)] << 6) | values[text.charCodeAt(i + 3)];
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}

/** A GGUF file's header now and its tensors on demand, from bytes, a Blob/File, a Response or a stream (and file paths in Deno). */
export function readGguf(source: GgufSource, options?: ReadGgufOptions): Promise<GgufFile> {
  return readGgufWith(openDenoFile, source, options);
}
