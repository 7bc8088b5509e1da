// From MatMulInteger's int32 accumulators to outputs. Scalar code only: it is O(m n) against the
// product's O(m n k), and plain integer / IEEE float32 arithmetic gives the same bits in every build.

/**
 * out[i, j] = float32(float32(acc[i, j]) * scale[j]) + bias[j]  (scale[0] for all j unless
 * perColumn; no bias when `bias` is 0). scale[j] is aScale * bScale[j] rounded to float32.
 */
export function accToFloat(acc: usize, out: usize, m: i32, n: i32, scale: usize, perColumn: bool, bias: usize): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const at = (<usize>i * <usize>n + <usize>j) << 2;
      let v = <f32>load<i32>(acc + at) * load<f32>(scale + (perColumn ? <usize>j << 2 : 0));
      if (bias) v += load<f32>(bias + (<usize>j << 2));
      store<f32>(out + at, v);
    }
  }
}

/**
 * Integer-only requantization, the gemmlowp / TFLite convention:
 *   q = clamp(outZp + roundingDivideByPOT(saturatingRoundingDoublingHighMul(acc * 2^max(shift, 0), multiplier), max(-shift, 0)), lo, hi)
 * with a Q31 `multiplier` and a power-of-two `shift` per tensor or per column. Stores bytes.
 */
export function accToInt8(acc: usize, out: usize, m: i32, n: i32, multiplier: usize, shift: usize, perColumn: bool, outZp: i32, lo: i32, hi: i32): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const at = <usize>i * <usize>n + <usize>j;
      const c = perColumn ? <usize>j << 2 : 0;
      const s = load<i32>(shift + c);
      const x = load<i32>(acc + (at << 2)) << (s > 0 ? s : 0);
      const v = roundingDivideByPOT(doublingHighMul(x, load<i32>(multiplier + c)), s > 0 ? 0 : -s) + outZp;
      store<i8>(out + at, <i8>(v < lo ? lo : v > hi ? hi : v));
    }
  }
}

// The high 32 bits of 2 * a * b, rounded to nearest (ties away from zero); saturates the one overflow.
// @ts-ignore: decorator
@inline function doublingHighMul(a: i32, b: i32): i32 {
  if (a == b && a == i32.MIN_VALUE) return i32.MAX_VALUE;
  const ab = <i64>a * <i64>b;
  const nudge: i64 = ab >= 0 ? 1 << 30 : 1 - (1 << 30);
  return <i32>((ab + nudge) / (<i64>1 << 31)); // division truncates toward zero
}

// x / 2^exponent, rounded to nearest with ties away from zero.
// @ts-ignore: decorator
@inline function roundingDivideByPOT(x: i32, exponent: i32): i32 {
  if (exponent == 0) return x;
  const mask = (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}
