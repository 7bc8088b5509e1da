// Node and Bun: the builds are read from the files beside this module.
import { readFile } from "node:fs/promises";
import { buildUrl, fetchUrl, makeHost } from "../host.js";
import { type LoadOptions, loadWith } from "../load.js";
import type { Qsimd } from "../instance.js";

export * from "../api.js";
import { type GgufFile, type GgufSource, type ReadGgufOptions, readGgufWith } from "../gguf/file/read.js";
import { openNodeFile } from "../gguf/file/node-files.js";

const host = makeHost(
  (variant) => readFile(buildUrl(variant)),
  (url) => (url.protocol === "file:" ? readFile(url) : fetchUrl(url)),
);

/** A new qsimd instance running the best build this host supports (or `options.variant`). */
export function load(options?: LoadOptions): Promise<Qsimd> {
  return loadWith(host, options);
}

/** A GGUF file's header now and its tensors on demand, from bytes, a Blob, a stream, a file path or a FileHandle. */
export function readGguf(source: GgufSource, options?: ReadGgufOptions): Promise<GgufFile> {
  return readGgufWith(openNodeFile, source, options);
}
