import type { WasmExports } from "./exports.js";
import type { Qsimd } from "./instance.js";
import { scratchBase } from "./memory.js";

// Known answers, checked once per compiled module before an instance is trusted. The dot product
// is long enough that the vector loop accumulates across steps (Node 20's flagged relaxed SIMD
// drops the accumulator) and includes -128 and 127 on both sides. The half-precision values are
// IEEE facts: rounding ties, the overflow edge, the subnormal range, signed zero, Inf and NaN.
const DOT_LENGTH = 83;
const HALF_CASES: [number, number][] = [
  [2 ** -25, 0x0000], [3 * 2 ** -25, 0x0002], [65520, 0x7c00], [NaN, 0x7e00],
  [-0, 0x8000], [2 ** -24, 0x0001], [65504, 0x7bff], [-Infinity, 0xfc00],
  [1, 0x3c00], [0.1, 0x2e66], [2 ** -14, 0x0400], [-2, 0xc000],
];

export function selfTest(q: Qsimd, e: WasmExports): boolean {
  const a = new Int8Array(DOT_LENGTH);
  const b = new Int8Array(DOT_LENGTH);
  let expected = 0;
  let expected7 = 0;
  for (let i = 0; i < DOT_LENGTH; i++) {
    a[i] = ((i * 37 + 11) % 256) - 128;
    b[i] = ((i * 91 + 128) % 256) - 128;
    expected += a[i] * b[i];
    expected7 += a[i] * (b[i] & 0x7f);
  }
  if (q.dotI8(a, b) !== expected) return false;
  // The relaxed dot product, on operands where every engine must agree.
  const base = scratchBase(e);
  new Int8Array(e.memory.buffer, base, DOT_LENGTH).set(a);
  new Int8Array(e.memory.buffer, base + DOT_LENGTH, DOT_LENGTH).set(b.map((x) => x & 0x7f));
  if (e.dotI8U7(base, base + DOT_LENGTH, DOT_LENGTH) !== expected7) return false;
  const halves = q.f32ToF16(new Float32Array(HALF_CASES.map(([x]) => x)));
  return HALF_CASES.every(([, bits], i) => halves[i] === bits);
}
