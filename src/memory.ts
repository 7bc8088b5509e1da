import { QsimdError } from "./errors.js";
import type { WasmExports } from "./exports.js";

/**
 * The region of wasm memory that the copy-in/copy-out functions stream through. Plain functions
 * process their arrays in chunks that fit here, so memory stays flat however large the input.
 */
export const SCRATCH_BYTES = 256 * 1024;

export function scratchBase(e: WasmExports): number {
  const base = (e.heapBase() + 63) & ~63;
  ensureMemory(e.memory, base + SCRATCH_BYTES);
  return base;
}

export function ensureMemory(memory: WebAssembly.Memory, bytes: number): void {
  const missing = bytes - memory.buffer.byteLength;
  if (missing <= 0) return;
  try {
    memory.grow(Math.ceil(missing / 65536));
  } catch (cause) {
    throw new QsimdError("OUT_OF_MEMORY", `could not grow wasm memory to ${bytes} bytes`, { cause });
  }
}

/** Copies elements [start, start + count) of `src` to `ptr` as raw bytes (NaN payloads survive). */
export function copyIn(memory: WebAssembly.Memory, ptr: number, src: ArrayBufferView & { BYTES_PER_ELEMENT: number }, start: number, count: number): void {
  const size = src.BYTES_PER_ELEMENT;
  new Uint8Array(memory.buffer, ptr, count * size).set(new Uint8Array(src.buffer, src.byteOffset + start * size, count * size));
}

/** Copies `count` elements from `ptr` into `dst` at element `start`, as raw bytes. */
export function copyOut(memory: WebAssembly.Memory, ptr: number, dst: ArrayBufferView & { BYTES_PER_ELEMENT: number }, start: number, count: number): void {
  const size = dst.BYTES_PER_ELEMENT;
  new Uint8Array(dst.buffer, dst.byteOffset + start * size, count * size).set(new Uint8Array(memory.buffer, ptr, count * size));
}
