// Q8_0: blocks of 32 values, an fp16 scale d then 32 int8, x = q * d. ggml's reference quantizer:
// d = max|x| / 127, q = roundf(x / d) (computed as x * (1 / d)).
import { absMax, castInt, loadF16, lowBytes, roundAway, storeF16 } from "./common";
import { setCode, setD } from "./unpacked";

export const Q8_0_BLOCK = 32;
export const Q8_0_BYTES = 34;

// castInt(roundAway(x * id)) of four values: C's roundf, then its cast (0 for NaN and infinities,
// whose x86 "integer indefinite" has a zero low byte).
// @ts-ignore: decorator
@inline function code4(x: v128, id: v128): v128 {
  const v = f32x4.mul(x, id), t = f32x4.trunc(v);
  const up = f32x4.ge(f32x4.abs(f32x4.sub(v, t)), f32x4.splat(0.5));
  const one = v128.or(v128.and(v, i32x4.splat(0x80000000)), f32x4.splat(1));
  const r = f32x4.add(t, v128.and(up, one));
  return v128.and(i32x4.trunc_sat_f32x4_s(r), f32x4.lt(f32x4.abs(r), f32x4.splat(2147483648)));
}

// code4 where 1/d is finite, so |x * id| <= 127 and the rounded value r is a small integer: r +
// 1.5 * 2^23 holds r in its low mantissa bits, whose low byte is the cast's (no conversion needed).
// @ts-ignore: decorator
@inline function code4Finite(x: v128, id: v128): v128 {
  const v = f32x4.mul(x, id), t = f32x4.trunc(v);
  const up = f32x4.ge(f32x4.abs(f32x4.sub(v, t)), f32x4.splat(0.5));
  const one = v128.or(v128.and(v, i32x4.splat(0x80000000)), f32x4.splat(1));
  return f32x4.add(f32x4.add(t, v128.and(up, one)), f32x4.splat(12582912));
}

export function quantizeQ8_0(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + <usize>b * (Q8_0_BLOCK << 2);
    const dst = out + <usize>b * Q8_0_BYTES;
    const d: f32 = absMax(src, Q8_0_BLOCK) / 127;
    const id: f32 = d != 0 ? 1 / d : 0;
    storeF16(dst, d);
    if (ASC_FEATURE_SIMD) {
      const vid = f32x4.splat(id);
      if (id < Infinity) {
        for (let j = 0; j < Q8_0_BLOCK; j += 16) {
          const p = src + (<usize>j << 2);
          v128.store(dst + 2 + <usize>j, lowBytes(code4Finite(v128.load(p), vid), code4Finite(v128.load(p, 16), vid), code4Finite(v128.load(p, 32), vid), code4Finite(v128.load(p, 48), vid)));
        }
        continue;
      }
      for (let j = 0; j < Q8_0_BLOCK; j += 16) {
        const p = src + (<usize>j << 2);
        v128.store(dst + 2 + <usize>j, lowBytes(code4(v128.load(p), vid), code4(v128.load(p, 16), vid), code4(v128.load(p, 32), vid), code4(v128.load(p, 48), vid)));
      }
      continue;
    }
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      store<i8>(dst + 2 + <usize>j, <i8>castInt(roundAway(load<f32>(src + (<usize>j << 2)) * id)));
    }
  }
}

export function dequantizeQ8_0(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q8_0_BYTES;
    const out = y + <usize>b * (Q8_0_BLOCK << 2);
    const d = loadF16(block);
    if (ASC_FEATURE_SIMD) {
      const vd = f32x4.splat(d);
      for (let j = 0; j < Q8_0_BLOCK; j += 8) {
        const h = v128.load8x8_s(block + 2 + <usize>j);
        v128.store(out + (<usize>j << 2), f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(h)), vd));
        v128.store(out + (<usize>j << 2), f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(h)), vd), 16);
      }
      continue;
    }
    for (let j = 0; j < Q8_0_BLOCK; j++) store<f32>(out + (<usize>j << 2), <f32>load<i8>(block + 2 + <usize>j) * d);
  }
}

/** Codes and d, for the dot-product packer. */
export function unpackQ8_0(block: usize): void {
  for (let j = 0; j < 32; j++) setCode(j, <i32>load<i8>(block + 2 + <usize>j));
  setD(0, loadF16(block), 0);
}
