import { expectTypedArray } from "./check.js";
import type { Context } from "./context.js";
import { QsimdError } from "./errors.js";
import type { TypedArray } from "./memory.js";
import { isResident, ResidentBuffer } from "./resident.js";

/**
 * The wasm-side places of one call's operands: resident buffers are used where they are, typed
 * arrays are copied into temporary blocks that `release()` returns.
 */
export class Operands {
  private readonly temps: number[] = [];
  // Resident operands of this call: a buffer given as both an input and the output would be
  // overwritten while it is read. Made on first use: most calls have none.
  private inputs: ResidentBuffer[] | undefined;
  private outputs: ResidentBuffer[] | undefined;

  constructor(private readonly ctx: Context) {}

  alloc(bytes: number): number {
    const ptr = this.ctx.heap.alloc(bytes);
    this.temps.push(ptr);
    return ptr;
  }

  /** Copies `array` into a temporary block. */
  copy(array: TypedArray): number {
    const ptr = this.alloc(array.byteLength);
    this.ctx.memory.copyIn(ptr, array, 0, array.length);
    return ptr;
  }

  /** An input of exactly `bytes` bytes: a resident buffer in place, or a typed array copied in. */
  input(value: TypedArray | ResidentBuffer, bytes: number, what: string, size: string): number {
    if (value.byteLength !== bytes) throw new QsimdError("LENGTH_MISMATCH", `${what} holds ${value.byteLength} bytes, ${size} = ${bytes}`);
    if (!isResident(value)) return this.copy(value);
    if (this.outputs?.includes(value)) throw aliased(what);
    (this.inputs ??= []).push(value);
    return ResidentBuffer.address(value, this.ctx.heap, what);
  }

  /**
   * Where a result of `length` elements of `kind` (`bytes` in all) goes: into a resident `out` in
   * place, else into a temporary block copied to `out` (or a new array) by `finish()`.
   */
  output<T extends TypedArray>(out: unknown, kind: string, length: number, bytes: number, make: () => T): { ptr: number; finish: () => T | ResidentBuffer } {
    if (isResident(out)) {
      if (out.byteLength !== bytes) throw new QsimdError("LENGTH_MISMATCH", `out holds ${out.byteLength} bytes, the result needs ${bytes}`);
      if (this.inputs?.includes(out)) throw aliased("out");
      (this.outputs ??= []).push(out);
      return { ptr: ResidentBuffer.address(out, this.ctx.heap, "out"), finish: () => out };
    }
    let result: T;
    if (out === undefined) result = make();
    else {
      expectTypedArray(out, kind as "Uint8Array", "out");
      if ((out as T).length !== length) throw new QsimdError("LENGTH_MISMATCH", `out has ${(out as T).length} elements, the result has ${length}`);
      result = out as T;
    }
    const ptr = this.alloc(bytes);
    return { ptr, finish: () => (this.ctx.memory.copyOut(ptr, result, 0, length), result) };
  }

  release(): void {
    for (const ptr of this.temps) this.ctx.heap.release(ptr);
    this.temps.length = 0;
  }
}

function aliased(what: string): QsimdError {
  return new QsimdError("INVALID_ARGUMENT", `${what} is both an input and the output of this call; give the result a buffer of its own`);
}

/** Runs `fn` with a fresh Operands, releasing its temporary blocks afterwards, even on errors. */
export function withOperands<R>(ctx: Context, fn: (ops: Operands) => R): R {
  const ops = new Operands(ctx);
  try {
    return fn(ops);
  } finally {
    ops.release();
  }
}
