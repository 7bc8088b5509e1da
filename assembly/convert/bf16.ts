// float32 <-> bfloat16 (the top half of a float32), round to nearest even. Subnormals and Inf are
// kept; a NaN keeps its top payload bits and gets its quiet bit set, as ggml does, so GGUF BF16 data
// round-trips identically. Pure integer arithmetic: the same bits in every build.

// @ts-ignore: decorator
@inline function bf16FromF32Bits(x: u32): u32 {
  if ((x & 0x7fffffff) > 0x7f800000) return (x >>> 16) | 0x40;
  return (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
}

// @ts-ignore: decorator
@inline function bf16FromF32x4(x: v128): v128 {
  const rounded = i32x4.shr_u(i32x4.add(i32x4.add(x, i32x4.splat(0x7fff)), v128.and(i32x4.shr_u(x, 16), i32x4.splat(1))), 16);
  const quieted = v128.or(i32x4.shr_u(x, 16), i32x4.splat(0x40));
  const isNaN = i32x4.gt_s(v128.and(x, i32x4.splat(0x7fffffff)), i32x4.splat(0x7f800000));
  return v128.bitselect(quieted, rounded, isNaN);
}

export function f32ToBf16(src: usize, dst: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= n; i += 8) {
      const lo = bf16FromF32x4(v128.load(src + (<usize>i << 2)));
      const hi = bf16FromF32x4(v128.load(src + (<usize>i << 2), 16));
      v128.store(dst + (<usize>i << 1), i16x8.narrow_i32x4_u(lo, hi));
    }
  }
  for (; i < n; i++) {
    store<u16>(dst + (<usize>i << 1), <u16>bf16FromF32Bits(load<u32>(src + (<usize>i << 2))));
  }
}

export function bf16ToF32(src: usize, dst: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= n; i += 8) {
      const h = v128.load(src + (<usize>i << 1));
      v128.store(dst + (<usize>i << 2), i32x4.shl(i32x4.extend_low_i16x8_u(h), 16));
      v128.store(dst + (<usize>i << 2), i32x4.shl(i32x4.extend_high_i16x8_u(h), 16), 16);
    }
  }
  for (; i < n; i++) {
    store<u32>(dst + (<usize>i << 2), <u32>load<u16>(src + (<usize>i << 1)) << 16);
  }
}
