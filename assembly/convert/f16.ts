// float32 <-> IEEE binary16, round to nearest even, Inf and subnormals kept. NaN becomes the quiet
// NaN 0x7e00 with its sign (and back, a NaN gets its quiet bit set): the same bits ggml writes, so
// GGUF F16 tensors round-trip identically.
//
// Both directions are integer arithmetic plus float operations on finite values only, so every
// engine gives the same bits (float ops on NaN may change payloads; these never see a NaN). The
// vector code is the scalar formula applied lane by lane, eight values per step.

const F16_MIN_NORMAL: u32 = 0x38800000; // 2^-14 as f32 bits
const F16_OVERFLOW: u32 = 0x477ff000;   // 65520: from here on, round to nearest even gives Inf
const EXP_REBIAS: u32 = 0x38000000;     // (127 - 15) << 23
const HALF: u32 = 0x3f000000;           // 0.5f

// @ts-ignore: decorator
@inline export function f16FromF32Bits(x: u32): u32 {
  const abs = x & 0x7fffffff;
  const sign = (x >>> 16) & 0x8000;
  let h: u32;
  if (abs > 0x7f800000) {
    h = 0x7e00;
  } else if (abs >= F16_OVERFLOW) {
    h = 0x7c00;
  } else if (abs >= F16_MIN_NORMAL) {
    // Drop 13 mantissa bits with round-half-even; a carry correctly bumps the exponent.
    h = (abs - EXP_REBIAS + 0xfff + ((abs >>> 13) & 1)) >>> 13;
  } else {
    // Adding 0.5 puts the f16 subnormal step (2^-24) at the last mantissa bit of the sum, so the
    // hardware's round-to-nearest-even does the rounding.
    h = reinterpret<u32>(reinterpret<f32>(abs) + reinterpret<f32>(HALF)) - HALF;
  }
  return sign | h;
}

// @ts-ignore: decorator
@inline export function f16FromF32x4(x: v128): v128 {
  const abs = v128.and(x, i32x4.splat(0x7fffffff));
  const sign = v128.and(i32x4.shr_u(x, 16), i32x4.splat(0x8000));
  const normal = i32x4.shr_u(
    i32x4.add(i32x4.sub(abs, i32x4.splat(EXP_REBIAS - 0xfff)), v128.and(i32x4.shr_u(abs, 13), i32x4.splat(1))),
    13,
  );
  const sub = i32x4.sub(f32x4.add(abs, f32x4.splat(0.5)), i32x4.splat(HALF));
  let h = v128.bitselect(normal, sub, i32x4.ge_s(abs, i32x4.splat(F16_MIN_NORMAL)));
  h = v128.bitselect(i32x4.splat(0x7c00), h, i32x4.ge_s(abs, i32x4.splat(F16_OVERFLOW)));
  h = v128.bitselect(i32x4.splat(0x7e00), h, i32x4.gt_s(abs, i32x4.splat(0x7f800000)));
  return v128.or(h, sign);
}

// @ts-ignore: decorator
@inline export function f32BitsFromF16(h: u32): u32 {
  const sign = (h & 0x8000) << 16;
  const exp = h & 0x7c00;
  const mant = h & 0x3ff;
  let x: u32;
  if (exp == 0x7c00) {
    x = 0x7f800000 | (mant << 13) | (mant != 0 ? 0x400000 : 0);
  } else if (exp == 0) {
    x = reinterpret<u32>(<f32>mant * 5.9604644775390625e-8); // mant * 2^-24, exact
  } else {
    x = ((h & 0x7fff) << 13) + EXP_REBIAS;
  }
  return sign | x;
}

// @ts-ignore: decorator
@inline export function f32FromF16x4(h: v128): v128 {
  const sign = i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16);
  const exp = v128.and(h, i32x4.splat(0x7c00));
  const mant = v128.and(h, i32x4.splat(0x3ff));
  const normal = i32x4.add(i32x4.shl(v128.and(h, i32x4.splat(0x7fff)), 13), i32x4.splat(EXP_REBIAS));
  const special = v128.or(
    v128.or(i32x4.splat(0x7f800000), i32x4.shl(mant, 13)),
    v128.andnot(i32x4.splat(0x400000), i32x4.eq(mant, i32x4.splat(0))),
  );
  const sub = f32x4.mul(f32x4.convert_i32x4_s(mant), f32x4.splat(5.9604644775390625e-8));
  let x = v128.bitselect(special, normal, i32x4.eq(exp, i32x4.splat(0x7c00)));
  x = v128.bitselect(sub, x, i32x4.eq(exp, i32x4.splat(0)));
  return v128.or(x, sign);
}

export function f32ToF16(src: usize, dst: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= n; i += 8) {
      const lo = f16FromF32x4(v128.load(src + (<usize>i << 2)));
      const hi = f16FromF32x4(v128.load(src + (<usize>i << 2), 16));
      v128.store(dst + (<usize>i << 1), i16x8.narrow_i32x4_u(lo, hi));
    }
  }
  for (; i < n; i++) {
    store<u16>(dst + (<usize>i << 1), <u16>f16FromF32Bits(load<u32>(src + (<usize>i << 2))));
  }
}

export function f16ToF32(src: usize, dst: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= n; i += 8) {
      const h = v128.load(src + (<usize>i << 1));
      v128.store(dst + (<usize>i << 2), f32FromF16x4(i32x4.extend_low_i16x8_u(h)));
      v128.store(dst + (<usize>i << 2), f32FromF16x4(i32x4.extend_high_i16x8_u(h)), 16);
    }
  }
  for (; i < n; i++) {
    store<u32>(dst + (<usize>i << 2), f32BitsFromF16(<u32>load<u16>(src + (<usize>i << 1))));
  }
}
