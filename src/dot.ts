import { expectTypedArray } from "./check.js";
import type { Context } from "./context.js";
import { QsimdError } from "./errors.js";
import { SCRATCH_BYTES } from "./memory.js";
import { isResident, ResidentBuffer } from "./resident.js";

type I8Operand = Int8Array | ResidentBuffer;

export function dotApi(ctx: Context) {
  const { e, memory, heap, scratch } = ctx;

  /** A resident operand's address (its bytes read as int8), after checking it. */
  function address(value: ResidentBuffer, what: string): number {
    return ResidentBuffer.address(value, heap, what);
  }

  return {
    /**
     * Sum of a[i] * b[i]. Exact: the result is an int32 whenever the true sum fits one (always for
     * n <= 131071) and the exact integer beyond that, never a wrapped value. Either operand may be a
     * resident buffer (its bytes read as int8), which is used in place.
     */
    dotI8(a: I8Operand, b: I8Operand): number {
      if (!isResident(a)) expectTypedArray(a, "Int8Array", "a");
      if (!isResident(b)) expectTypedArray(b, "Int8Array", "b");
      const length = (v: I8Operand) => (isResident(v) ? v.byteLength : v.length);
      if (length(a) !== length(b)) throw new QsimdError("LENGTH_MISMATCH", `dotI8(a, b): lengths differ (${length(a)} and ${length(b)})`);
      if (isResident(a) && isResident(b)) return e.dotI8(address(a, "a"), address(b, "b"), a.byteLength);
      const chunk = SCRATCH_BYTES / 2;
      let total = 0;
      for (let start = 0; start < length(a); start += chunk) {
        const count = Math.min(chunk, length(a) - start);
        const pa = isResident(a) ? address(a, "a") + start : (memory.copyIn(scratch, a, start, count), scratch);
        const pb = isResident(b) ? address(b, "b") + start : (memory.copyIn(scratch + chunk, b, start, count), scratch + chunk);
        total += e.dotI8(pa, pb, count);
      }
      return total;
    },
  };
}
