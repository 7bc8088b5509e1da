// workerd / Cloudflare Workers forbid compiling wasm from bytes, so the builds come in as wasm
// module imports, which the runtime (or wrangler's bundler) compiles ahead of time.
import relaxed from "../wasm/relaxed.wasm";
import simd from "../wasm/simd.wasm";
import scalar from "../wasm/scalar.wasm";
import { fetchUrl, makeHost } from "../host.js";
import { type LoadOptions, loadWith } from "../load.js";
import type { Qsimd } from "../instance.js";

export * from "../api.js";
import { type GgufFile, type GgufSource, type ReadGgufOptions, readGgufWith } from "../gguf/file/read.js";

const modules = { relaxed, simd, scalar };
const host = makeHost((variant) => modules[variant], fetchUrl);

/** A new qsimd instance running the best build this host supports (or `options.variant`). */
export function load(options?: LoadOptions): Promise<Qsimd> {
  return loadWith(host, options);
}

/** A GGUF file's header now and its tensors on demand, from bytes, a Blob, a Response or a stream. */
export function readGguf(source: GgufSource, options?: ReadGgufOptions): Promise<GgufFile> {
  return readGgufWith(undefined, source, options);
}
