// Q8_K: the activation format of the K-quants and i-quants. Blocks of 256: float32 d, 256 int8
// codes, 16 int16 sums of 16 codes each; x = q * d. ggml's reference quantizer scales by the value m
// of largest magnitude: q = min(127, nearest(-127 / m * x)), d = 1 / (-127 / m).
import { narrowBytes, nearestInt, signedMax, storeScaled16, sumFour } from "./common";

export const Q8_K_BLOCK = 256;
export const Q8_K_BYTES = 292;

// nearestInt4 of |v| <= 127 (iscale * x, finite): v + 1.5 * 2^23 keeps its exponent, so the integer
// is its bits less those of 1.5 * 2^23, with no mask for the mantissa.
// @ts-ignore: decorator
@inline function code4(iscale: v128, x: v128): v128 {
  return i32x4.sub(f32x4.add(f32x4.mul(iscale, x), f32x4.splat(12582912)), i32x4.splat(0x4b400000));
}

// The codes of 16 values at p.
// @ts-ignore: decorator
@inline function codes16(p: usize, iscale: v128): v128 {
  return narrowBytes(code4(iscale, v128.load(p)), code4(iscale, v128.load(p, 16)), code4(iscale, v128.load(p, 32)), code4(iscale, v128.load(p, 48)));
}

// 16 codes' partial sums in four lanes.
// @ts-ignore: decorator
@inline function unitSum(q: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(q));
}

export function quantizeQ8_K(x: usize, out: usize, blocks: i32): void {
  // Each block's scale is found before the previous block's codes are made: the scan's chain of
  // compares and the divide then overlap codes that do not wait on them.
  let next: f32 = blocks > 0 ? signedMax(x, Q8_K_BLOCK) : 0;
  for (let b = 0; b < blocks; b++) {
    const src = x + <usize>b * (Q8_K_BLOCK << 2);
    const dst = out + <usize>b * Q8_K_BYTES;
    const m = next;
    if (b + 1 < blocks) next = signedMax(src + (Q8_K_BLOCK << 2), Q8_K_BLOCK);
    if (m == 0) {
      memory.fill(dst, 0, Q8_K_BYTES);
      continue;
    }
    const iscale: f32 = -127 / m;
    if (ASC_FEATURE_SIMD) {
      // nearestInt four at a time; |iscale * x| <= 127, so the saturating narrows keep every code and
      // stand in for ggml's cap at 127. Four 16-value sums at a time, narrowed to int16 (exact).
      const vs = f32x4.splat(iscale);
      for (let j = 0; j < Q8_K_BLOCK; j += 64) {
        const p = src + (<usize>j << 2), q = dst + 4 + <usize>j;
        // Each 16 stored before the next are loaded, so that V8 keeps few values in flight.
        const q0 = codes16(p, vs);
        v128.store(q, q0);
        const q1 = codes16(p + 64, vs);
        v128.store(q, q1, 16);
        const q2 = codes16(p + 128, vs);
        v128.store(q, q2, 32);
        const q3 = codes16(p + 192, vs);
        v128.store(q, q3, 48);
        const sums = sumFour(unitSum(q0), unitSum(q1), unitSum(q2), unitSum(q3));
        v128.store64_lane(dst + 260 + (<usize>(j >> 4) << 1), i16x8.narrow_i32x4_s(sums, sums), 0);
      }
      store<f32>(dst, 1 / iscale);
      continue;
    }
    for (let j = 0; j < Q8_K_BLOCK; j++) {
      store<i8>(dst + 4 + <usize>j, <i8>min(127, nearestInt(iscale * load<f32>(src + (<usize>j << 2)))));
    }
    for (let g = 0; g < 16; g++) {
      let sum: i32 = 0;
      for (let j = 0; j < 16; j++) sum += <i32>load<i8>(dst + 4 + <usize>(g * 16 + j));
      store<i16>(dst + 260 + (<usize>g << 1), <i16>sum);
    }
    store<f32>(dst, 1 / iscale);
  }
}

export function dequantizeQ8_K(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q8_K_BYTES;
    const out = y + <usize>b * (Q8_K_BLOCK << 2);
    const d = load<f32>(block);
    if (ASC_FEATURE_SIMD) {
      const vd = f32x4.splat(d);
      for (let j = 0; j < Q8_K_BLOCK; j += 16) storeScaled16(out + (<usize>j << 2), v128.load(block + 4 + <usize>j), vd);
      continue;
    }
    for (let j = 0; j < Q8_K_BLOCK; j++) store<f32>(out + (<usize>j << 2), d * <f32>load<i8>(block + 4 + <usize>j));
  }
}
