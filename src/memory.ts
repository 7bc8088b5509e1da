import { QsimdError } from "./errors.js";
import type { WasmExports } from "./exports.js";

/**
 * The region of wasm memory that the copy-in/copy-out functions stream through. Plain functions
 * process their arrays in chunks that fit here, so memory stays flat however large the input.
 */
export const SCRATCH_BYTES = 256 * 1024;

export type TypedArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
export type TypedArrayCtor<T extends TypedArray> = { new (buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number; readonly name: string };

// Our own realm's constructors, by tag: a caller's array may come from another realm or be a subclass.
const CTORS: Record<string, TypedArrayCtor<TypedArray>> = {
  Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array,
};
export const ctorOf = (array: TypedArray): TypedArrayCtor<TypedArray> | undefined => CTORS[array[Symbol.toStringTag]];

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

/**
 * Typed views of one wasm memory, made once and remade only after the memory grew (growth
 * detaches the old buffer, which leaves old views with length 0). Copies go between arrays of the
 * same type, which the spec defines as a raw byte copy: NaN payloads survive.
 */
export class MemoryViews {
  private readonly views = new Map<unknown, TypedArray>();

  constructor(readonly memory: WebAssembly.Memory) {}

  of<T extends TypedArray>(Type: TypedArrayCtor<T>): T {
    let view = this.views.get(Type) as T | undefined;
    if (!view || view.length === 0) {
      view = new Type(this.memory.buffer as ArrayBuffer);
      this.views.set(Type, view);
    }
    return view;
  }

  /** Copies src[start, start + count) to byte address `ptr` (aligned to the element size). */
  copyIn(ptr: number, src: TypedArray, start: number, count: number): void {
    const whole = start === 0 && count === src.length;
    this.of(ctorOf(src)!).set(whole ? src : src.subarray(start, start + count), ptr / src.BYTES_PER_ELEMENT);
  }

  /** Copies `count` elements from byte address `ptr` into dst at element `start`. */
  copyOut(ptr: number, dst: TypedArray, start: number, count: number): void {
    const index = ptr / dst.BYTES_PER_ELEMENT;
    dst.set(this.of(ctorOf(dst)!).subarray(index, index + count), start);
  }
}
