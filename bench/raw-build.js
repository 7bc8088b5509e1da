// Node-only benches that call a build's wasm exports directly (no JavaScript around the kernels).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The exports of dist/wasm/<build>.wasm and a bump allocator over fresh pages (see bumpAllocator). */
export async function rawBuild(build = "simd") {
  const wasm = readFileSync(fileURLToPath(new URL(`../dist/wasm/${build}.wasm`, import.meta.url)));
  const e = (await WebAssembly.instantiate(wasm, {})).instance.exports;
  return { e, take: bumpAllocator(e.memory) };
}

/** take(bytes) -> address: 64-byte aligned blocks past the memory's current end, growing it as needed. */
export function bumpAllocator(memory) {
  let top = memory.buffer.byteLength;
  return (bytes) => {
    const at = (top + 63) & ~63;
    top = at + bytes;
    if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
    return at;
  };
}
