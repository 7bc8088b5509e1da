import { expectSameLength, expectTypedArray } from "./check.js";
import type { Features } from "./features.js";
import type { Variant, WasmExports } from "./exports.js";
import { MemoryViews, SCRATCH_BYTES, scratchBase, type TypedArray } from "./memory.js";

/** One qsimd instance: its own wasm memory, one build. */
export interface Qsimd {
  /** The build this instance runs. */
  readonly variant: Variant;
  /** What the host supports. */
  readonly features: Readonly<Features>;
  /**
   * Sum of a[i] * b[i]. Exact: the result is an int32 whenever the true sum fits one (always for
   * n <= 131071) and the exact integer beyond that, never a wrapped value.
   */
  dotI8(a: Int8Array, b: Int8Array): number;
  /** float32 -> IEEE half (bits), round to nearest even; Inf and subnormals kept, NaN -> quiet NaN. */
  f32ToF16(x: Float32Array, out?: Uint16Array): Uint16Array;
  /** IEEE half (bits) -> float32, exact. */
  f16ToF32(h: Uint16Array, out?: Float32Array): Float32Array;
  /** float32 -> bfloat16 (bits), round to nearest even; Inf and subnormals kept, NaN -> quiet NaN. */
  f32ToBf16(x: Float32Array, out?: Uint16Array): Uint16Array;
  /** bfloat16 (bits) -> float32, exact. */
  bf16ToF32(h: Uint16Array, out?: Float32Array): Float32Array;
}

type Kernel = (src: number, dst: number, n: number) => void;
type Ctor<T> = { new (length: number): T; readonly name: string };

export function createInstance(e: WasmExports, variant: Variant, features: Features): Qsimd {
  const memory = new MemoryViews(e.memory);
  const scratch = scratchBase(e);

  // Streams `src` through scratch memory in chunks; chunk sizes are multiples of 16 so every chunk
  // but the last runs entirely in the vector loop.
  function convert<T extends TypedArray>(kernel: Kernel, src: TypedArray, srcKind: "Float32Array" | "Uint16Array", dstCtor: Ctor<T>, out: T | undefined): T {
    expectTypedArray(src, srcKind, "input");
    const dst = out ?? new dstCtor(src.length);
    if (out !== undefined) {
      expectTypedArray(out, dstCtor.name as "Float32Array" | "Uint16Array", "out");
      expectSameLength(src, out, "out must have the input's length");
    }
    const perElement = src.BYTES_PER_ELEMENT + dst.BYTES_PER_ELEMENT;
    const chunk = Math.floor(SCRATCH_BYTES / perElement / 16) * 16;
    const dstPtr = scratch + chunk * src.BYTES_PER_ELEMENT;
    for (let start = 0; start < src.length; start += chunk) {
      const count = Math.min(chunk, src.length - start);
      memory.copyIn(scratch, src, start, count);
      kernel(scratch, dstPtr, count);
      memory.copyOut(dstPtr, dst, start, count);
    }
    return dst;
  }

  return {
    variant,
    features: Object.freeze({ ...features }),

    dotI8(a, b) {
      expectTypedArray(a, "Int8Array", "a");
      expectTypedArray(b, "Int8Array", "b");
      expectSameLength(a, b, "dotI8(a, b)");
      const chunk = SCRATCH_BYTES / 2;
      let total = 0;
      for (let start = 0; start < a.length; start += chunk) {
        const count = Math.min(chunk, a.length - start);
        memory.copyIn(scratch, a, start, count);
        memory.copyIn(scratch + chunk, b, start, count);
        total += e.dotI8(scratch, scratch + chunk, count);
      }
      return total;
    },

    f32ToF16: (x, out) => convert(e.f32ToF16, x, "Float32Array", Uint16Array, out),
    f16ToF32: (h, out) => convert(e.f16ToF32, h, "Uint16Array", Float32Array, out),
    f32ToBf16: (x, out) => convert(e.f32ToBf16, x, "Float32Array", Uint16Array, out),
    bf16ToF32: (h, out) => convert(e.bf16ToF32, h, "Uint16Array", Float32Array, out),
  };
}
