import { describe } from "./check.js";
import type { Context } from "./context.js";
import { QsimdError } from "./errors.js";
import type { Heap } from "./heap.js";
import { ctorOf, type TypedArray, type TypedArrayCtor } from "./memory.js";

/**
 * Bytes that live in an instance's wasm memory, so weights are copied in once and every later call
 * moves only activations. `view()` makes a fresh view each time: memory growth detaches old
 * views (they read as empty), so no view can silently show stale memory.
 */
export class ResidentBuffer<T extends TypedArray = TypedArray> {
  #owner: Heap;
  #ptr: number;
  #freed = false;
  readonly byteLength: number;
  readonly #ctor: TypedArrayCtor<T>;
  readonly #memory: WebAssembly.Memory;

  /** @internal Use `instance.alloc()` or `instance.upload()`. */
  constructor(owner: Heap, memory: WebAssembly.Memory, ptr: number, byteLength: number, ctor: TypedArrayCtor<T>) {
    this.#owner = owner;
    this.#memory = memory;
    this.#ptr = ptr;
    this.byteLength = byteLength;
    this.#ctor = ctor;
  }

  /** Number of elements of the buffer's type. */
  get length(): number {
    return this.byteLength / this.#ctor.BYTES_PER_ELEMENT;
  }

  /** The element type `view()` shows: the uploaded array's type, or Uint8Array for `alloc()`. */
  get type(): string {
    return this.#ctor.name;
  }

  get freed(): boolean {
    return this.#freed;
  }

  /** A fresh view of the buffer's bytes, as its own type or as `Type`. */
  view(): T;
  view<U extends TypedArray>(Type: TypedArrayCtor<U>): U;
  view(Type: TypedArrayCtor<TypedArray> = this.#ctor): TypedArray {
    this.#check();
    if (this.byteLength % Type.BYTES_PER_ELEMENT !== 0) {
      throw new QsimdError("INVALID_ARGUMENT", `a buffer of ${this.byteLength} bytes cannot be viewed as ${Type.name}`);
    }
    return new (Type as unknown as { new (b: ArrayBuffer, o: number, l: number): TypedArray })(
      this.#memory.buffer as ArrayBuffer, this.#ptr, this.byteLength / Type.BYTES_PER_ELEMENT);
  }

  /** Returns the memory to the instance; the handle is unusable afterwards. */
  free(): void {
    this.#check();
    this.#freed = true;
    this.#owner.release(this.#ptr);
  }

  /** @internal The buffer's address, after checking it belongs to `heap` and is live. */
  static address(buffer: ResidentBuffer, heap: Heap, what: string): number {
    if (buffer.#owner !== heap) throw new QsimdError("INVALID_HANDLE", `${what} belongs to another qsimd instance`);
    buffer.#check(what);
    return buffer.#ptr;
  }

  #check(what = "this buffer"): void {
    if (this.#freed) throw new QsimdError("INVALID_HANDLE", `${what} was freed`);
  }
}

export function isResident(value: unknown): value is ResidentBuffer {
  return value instanceof ResidentBuffer;
}

export function residentApi(ctx: Context) {
  return {
    /** `byteLength` bytes of zeroed wasm memory. */
    alloc(byteLength: number): ResidentBuffer<Uint8Array> {
      if (!Number.isSafeInteger(byteLength) || byteLength < 0) {
        throw new QsimdError("INVALID_ARGUMENT", `alloc() takes a byte length >= 0, got ${describe(byteLength)} ${byteLength}`);
      }
      const ptr = ctx.heap.alloc(byteLength);
      ctx.memory.of(Uint8Array).fill(0, ptr, ptr + byteLength);
      return new ResidentBuffer(ctx.heap, ctx.e.memory, ptr, byteLength, Uint8Array);
    },

    /** A resident copy of `array`; its `view()` has the array's type. */
    upload<T extends TypedArray>(array: T): ResidentBuffer<T> {
      const ctor = ArrayBuffer.isView(array) ? (ctorOf(array) as TypedArrayCtor<T> | undefined) : undefined;
      if (!ctor) throw new QsimdError("INVALID_ARGUMENT", `upload() takes a typed array, got ${describe(array)}`);
      const ptr = ctx.heap.alloc(array.byteLength);
      ctx.memory.copyIn(ptr, array, 0, array.length);
      return new ResidentBuffer(ctx.heap, ctx.e.memory, ptr, array.byteLength, ctor);
    },

    /** Bytes of wasm memory this instance holds (it grows, never shrinks; watch it for leaks). */
    get memoryBytes(): number {
      return ctx.e.memory.buffer.byteLength;
    },
  };
}
