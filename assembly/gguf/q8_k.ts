// Q8_K: the activation format of the K-quants and i-quants. Blocks of 256: float32 d, 256 int8
// codes, 16 int16 sums of 16 codes each; x = q * d. ggml's reference quantizer scales by the value m
// of largest magnitude: q = min(127, nearest(-127 / m * x)), d = 1 / (-127 / m).
import { narrowBytes, nearestInt, nearestInt4, signedMax } from "./common";

export const Q8_K_BLOCK = 256;
export const Q8_K_BYTES = 292;

// min(127, nearestInt(iscale * x)) of four values.
// @ts-ignore: decorator
@inline function near4(x: v128, iscale: v128, cap: v128): v128 {
  return i32x4.min_s(cap, nearestInt4(f32x4.mul(iscale, x)));
}

export function quantizeQ8_K(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + <usize>b * (Q8_K_BLOCK << 2);
    const dst = out + <usize>b * Q8_K_BYTES;
    const m = signedMax(src, Q8_K_BLOCK);
    if (m == 0) {
      memory.fill(dst, 0, Q8_K_BYTES);
      continue;
    }
    const iscale: f32 = -127 / m;
    if (ASC_FEATURE_SIMD) {
      // nearestInt four at a time, capped at 127 (all in [-127, 127]: |iscale * x| <= 127); 16-value sums.
      const vs = f32x4.splat(iscale), cap = i32x4.splat(127);
      for (let j = 0; j < Q8_K_BLOCK; j += 16) {
        const p = src + (<usize>j << 2);
        const q = narrowBytes(near4(v128.load(p), vs, cap), near4(v128.load(p, 16), vs, cap),
          near4(v128.load(p, 32), vs, cap), near4(v128.load(p, 48), vs, cap));
        v128.store(dst + 4 + <usize>j, q);
        const s4 = i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(q));
        store<i16>(dst + 260 + (<usize>(j >> 4) << 1), <i16>((i32x4.extract_lane(s4, 0) + i32x4.extract_lane(s4, 1)) + (i32x4.extract_lane(s4, 2) + i32x4.extract_lane(s4, 3))));
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
    for (let j = 0; j < Q8_K_BLOCK; j++) store<f32>(out + (<usize>j << 2), d * <f32>load<i8>(block + 4 + <usize>j));
  }
}
