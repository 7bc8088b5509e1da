import { expectTypedArray } from "./check.js";
import type { Context } from "./context.js";
import { QsimdError } from "./errors.js";
import { SCRATCH_BYTES } from "./memory.js";
import { isResident, ResidentBuffer } from "./resident.js";

type Operand = Int8Array | Uint8Array | ResidentBuffer;

export function dotApi(ctx: Context) {
  const { e, memory, heap, scratch } = ctx;

  // Resident operands are used in place (their bytes read as the kernel's type); arrays stream
  // through the scratch area, so memory stays flat however long they are.
  function dot(kernel: (a: number, b: number, n: number) => number, a: Operand, b: Operand, aKind: "Int8Array" | "Uint8Array", name: string): number {
    if (!isResident(a)) expectTypedArray(a, aKind, "a");
    if (!isResident(b)) expectTypedArray(b, "Int8Array", "b");
    if (a.byteLength !== b.byteLength) throw new QsimdError("LENGTH_MISMATCH", `${name}(a, b): lengths differ (${a.byteLength} and ${b.byteLength})`);
    const n = a.byteLength;
    const chunk = SCRATCH_BYTES / 2;
    let total = 0;
    for (let start = 0; start < n; start += chunk) {
      const count = Math.min(chunk, n - start);
      const pa = isResident(a) ? ResidentBuffer.address(a, heap, "a") + start : (memory.copyIn(scratch, a, start, count), scratch);
      const pb = isResident(b) ? ResidentBuffer.address(b, heap, "b") + start : (memory.copyIn(scratch + chunk, b, start, count), scratch + chunk);
      total += kernel(pa, pb, count);
    }
    return total;
  }

  return {
    /**
     * Sum of a[i] * b[i]. Exact: the result is an int32 whenever the true sum fits one (always for
     * n <= 131071) and the exact integer beyond that, never a wrapped value. Either operand may be a
     * resident buffer (its bytes read as int8), used in place.
     */
    dotI8: (a: Int8Array | ResidentBuffer, b: Int8Array | ResidentBuffer): number => dot(e.dotI8, a, b, "Int8Array", "dotI8"),
    /** Sum of a[i] * b[i] for uint8 a and int8 b (activations times weights), exact like dotI8. */
    dotU8I8: (a: Uint8Array | ResidentBuffer, b: Int8Array | ResidentBuffer): number => dot(e.dotU8I8, a, b, "Uint8Array", "dotU8I8"),
  };
}
