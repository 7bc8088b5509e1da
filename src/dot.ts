import { expectSameLength, expectTypedArray } from "./check.js";
import type { Context } from "./context.js";
import { SCRATCH_BYTES } from "./memory.js";

export function dotApi(ctx: Context) {
  const { e, memory, scratch } = ctx;
  return {
    /**
     * Sum of a[i] * b[i]. Exact: the result is an int32 whenever the true sum fits one (always for
     * n <= 131071) and the exact integer beyond that, never a wrapped value.
     */
    dotI8(a: Int8Array, b: Int8Array): number {
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
  };
}
