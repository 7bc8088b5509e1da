import type { Context } from "./context.js";

/**
 * Runs `fn` with temporary blocks of wasm memory of the given byte sizes, freed afterwards even
 * when `fn` throws. Blocks of size 0 get address 0 and are never touched.
 */
export function withTemp<R>(ctx: Context, sizes: number[], fn: (ptrs: number[]) => R): R {
  const ptrs: number[] = [];
  try {
    for (const size of sizes) ptrs.push(size > 0 ? ctx.heap.alloc(size) : 0);
    return fn(ptrs);
  } finally {
    for (const ptr of ptrs) if (ptr) ctx.heap.release(ptr);
  }
}
