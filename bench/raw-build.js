// Node-only benches that call a build's wasm exports directly (no JavaScript around the kernels).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The exports of dist/wasm/<build>.wasm and a bump allocator over fresh pages, 64-byte aligned. */
export async function rawBuild(build = "simd") {
  const wasm = readFileSync(fileURLToPath(new URL(`../dist/wasm/${build}.wasm`, import.meta.url)));
  const e = (await WebAssembly.instantiate(wasm, {})).instance.exports;
  let top = e.memory.buffer.byteLength;
  const take = (bytes) => {
    const at = (top + 63) & ~63;
    top = at + bytes;
    if (top > e.memory.buffer.byteLength) e.memory.grow(Math.ceil((top - e.memory.buffer.byteLength) / 65536));
    return at;
  };
  return { e, take };
}
