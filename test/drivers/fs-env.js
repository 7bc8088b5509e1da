// The suite environment for runtimes with a file system API (Node, Deno, Bun all offer node:fs).
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const root = new URL("../../", import.meta.url);

export function fsEnv(runtime, qsimd, ci) {
  const buildSource = (variant) => readFile(new URL(`dist/wasm/${variant}.wasm`, root));
  return {
    runtime,
    ci,
    load: qsimd.load,
    loadSync: qsimd.loadSync,
    quantizeMultiplier: qsimd.quantizeMultiplier,
    api: qsimd,
    buildSource,
    buildUrl: (variant) => new URL(`dist/wasm/${variant}.wasm`, root),
    module: async (variant) => WebAssembly.compile(await buildSource(variant)),
    sharedPath: (path) => fileURLToPath(new URL(`../shared/${path}`, root)),
    async shared(path, kind) {
      try {
        const data = await readFile(new URL(`../shared/${path}`, root));
        return kind === "text" ? data.toString("utf8") : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      } catch (error) {
        if (error.code === "ENOENT") return undefined;
        throw error;
      }
    },
  };
}
