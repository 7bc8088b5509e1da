import { expectSameLength, expectTypedArray } from "./check.js";
import type { Context } from "./context.js";
import { SCRATCH_BYTES, type TypedArray } from "./memory.js";

type Kernel = (src: number, dst: number, n: number) => void;
type Ctor<T> = { new (length: number): T; readonly name: string };

/** float32 <-> float16 / bfloat16, streamed through the scratch area so memory stays flat. */
export function convertApi(ctx: Context) {
  const { e, memory, scratch } = ctx;

  // Chunk sizes are multiples of 16, so every chunk but the last runs entirely in the vector loop.
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
    /** float32 -> IEEE half (bits), round to nearest even; Inf and subnormals kept, NaN -> quiet NaN. */
    f32ToF16: (x: Float32Array, out?: Uint16Array): Uint16Array => convert(e.f32ToF16, x, "Float32Array", Uint16Array, out),
    /** IEEE half (bits) -> float32, exact. */
    f16ToF32: (h: Uint16Array, out?: Float32Array): Float32Array => convert(e.f16ToF32, h, "Uint16Array", Float32Array, out),
    /** float32 -> bfloat16 (bits), round to nearest even; Inf and subnormals kept, NaN -> quiet NaN. */
    f32ToBf16: (x: Float32Array, out?: Uint16Array): Uint16Array => convert(e.f32ToBf16, x, "Float32Array", Uint16Array, out),
    /** bfloat16 (bits) -> float32, exact. */
    bf16ToF32: (h: Uint16Array, out?: Float32Array): Float32Array => convert(e.bf16ToF32, h, "Uint16Array", Float32Array, out),
  };
}
