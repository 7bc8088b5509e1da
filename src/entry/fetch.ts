// Browsers and Deno: the builds are fetched from beside this module (streaming compilation when
// the server sends application/wasm).
import { buildUrl, fetchUrl, makeHost } from "../host.js";
import { type LoadOptions, loadWith } from "../load.js";
import type { Qsimd } from "../instance.js";

export * from "../api.js";
import { type GgufFile, type GgufSource, type ReadGgufOptions, readGgufWith } from "../gguf/file/read.js";
import { openDenoFile } from "../gguf/file/deno-files.js";

const host = makeHost((variant) => fetchUrl(buildUrl(variant)), fetchUrl);

/** A new qsimd instance running the best build this host supports (or `options.variant`). */
export function load(options?: LoadOptions): Promise<Qsimd> {
  return loadWith(host, options);
}

/** A GGUF file's header now and its tensors on demand, from bytes, a Blob/File, a Response or a stream (and file paths in Deno). */
export function readGguf(source: GgufSource, options?: ReadGgufOptions): Promise<GgufFile> {
  return readGgufWith(openDenoFile, source, options);
}
