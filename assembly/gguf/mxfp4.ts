// MXFP4: blocks of 32 values: an E8M0 exponent byte e, then 16 bytes of 4-bit E2M1 codes (value j
// low nibble, j + 16 high nibble); x = fp4(code) * 2^(e - 127), with the E2M1 values doubled
// (ggml's table) and the scale halved to match: 2^(e - 128), exact as a float32 bit pattern.
import { absMax, castInt, highNibbles, lookup16, lowNibbles, packNibbles, storeScaled16 } from "./common";
import { setD, setNibbleCodes } from "./unpacked";

export const MXFP4_BYTES = 17;

export const FP4_DOUBLED: StaticArray<i8> = [0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12];

// @ts-ignore: decorator
@inline function halfScale(e: i32): f32 {
  return reinterpret<f32>(e < 2 ? 0x00200000 << e : (e - 1) << 23);
}

export function dequantizeMXFP4(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * MXFP4_BYTES;
    const d = halfScale(<i32>load<u8>(block));
    const out = y + (<usize>b << 7);
    if (ASC_FEATURE_SIMD) {
      const t = v128.load(changetype<usize>(FP4_DOUBLED)), v = v128.load(block + 1), vd = f32x4.splat(d);
      storeScaled16(out, lookup16(t, lowNibbles(v)), vd);
      storeScaled16(out + 64, lookup16(t, highNibbles(v)), vd);
      continue;
    }
    for (let j = 0; j < 16; j++) {
      const c = <i32>load<u8>(block + 1 + <usize>j);
      store<f32>(out + (<usize>j << 2), <f32>unchecked(FP4_DOUBLED[c & 0xf]) * d);
      store<f32>(out + (<usize>(j + 16) << 2), <f32>unchecked(FP4_DOUBLED[c >> 4]) * d);
    }
  }
}

/** The first code whose value (times the scale d) lies nearest v (ggml's best_index_mxfp4). */
// @ts-ignore: decorator
@inline export function nearestFp4(v: f32, d: f32): i32 {
  let best = 0;
  let bestErr = abs(<f32>unchecked(FP4_DOUBLED[0]) * d - v);
  for (let i = 1; i < 16; i++) {
    const err = abs(<f32>unchecked(FP4_DOUBLED[i]) * d - v);
    if (err < bestErr) {
      best = i;
      bestErr = err;
    }
  }
  return best;
}

// nearestFp4x4 of the 16 values at p, as bytes.
// @ts-ignore: decorator
@inline function codes16(p: usize, t1: v128, t2: v128, t3: v128, t4: v128, t6: v128, t8: v128, t12: v128): v128 {
  const a = i16x8.narrow_i32x4_u(nearestFp4x4(v128.load(p), t1, t2, t3, t4, t6, t8, t12), nearestFp4x4(v128.load(p, 16), t1, t2, t3, t4, t6, t8, t12));
  const b = i16x8.narrow_i32x4_u(nearestFp4x4(v128.load(p, 32), t1, t2, t3, t4, t6, t8, t12), nearestFp4x4(v128.load(p, 48), t1, t2, t3, t4, t6, t8, t12));
  return i8x16.narrow_i16x8_u(a, b);
}

/**
 * nearestFp4 of four values, given code k's value times d in tk (code 0's is 0). A negative value's
 * errors against codes 8 + k are its magnitude's against codes k (negation is exact), and codes
 * 1 .. 8 lie no nearer than code 0, which comes first: so the search runs on a = |x| over codes
 * 0 .. 7, and a negative value moves a nonzero code up by 8. Over codes 0 .. 7 (ascending) the
 * errors a - tk, while tk <= a, are exact (tk is a multiple of d, itself a power of two no finer
 * than a's last bit), so strictly falling; past a, tk - a only grows (rounding is monotonic). The
 * first smallest error is then at the number of codes k whose error is below code k - 1's: one
 * compare per code and no running minimum.
 */
// @ts-ignore: decorator
@inline function nearestFp4x4(x: v128, t1: v128, t2: v128, t3: v128, t4: v128, t6: v128, t8: v128, t12: v128): v128 {
  const a = v128.and(x, i32x4.splat(0x7fffffff));
  // Each error is compared as soon as it is made (fewer live vectors); a true compare is -1, so
  // the code is minus their sum.
  let e = fp4Err(a, t1), n = f32x4.lt(e, a);
  let f = fp4Err(a, t2);
  n = i32x4.add(n, f32x4.lt(f, e));
  e = fp4Err(a, t3);
  n = i32x4.add(n, f32x4.lt(e, f));
  f = fp4Err(a, t4);
  n = i32x4.add(n, f32x4.lt(f, e));
  e = fp4Err(a, t6);
  n = i32x4.add(n, f32x4.lt(e, f));
  f = fp4Err(a, t8);
  n = i32x4.add(n, f32x4.lt(f, e));
  n = i32x4.add(n, f32x4.lt(fp4Err(a, t12), f));
  const best = i32x4.sub(i32x4.splat(0), n);
  const neg8 = v128.and(i32x4.shr_u(x, 28), i32x4.splat(8));
  return v128.or(best, v128.and(neg8, i32x4.gt_s(best, i32x4.splat(0))));
}

// |tk - a|, as ggml's fabsf(kvalue * d - x) gives it for x = a.
// @ts-ignore: decorator
@inline function fp4Err(a: v128, t: v128): v128 {
  return v128.and(f32x4.sub(t, a), i32x4.splat(0x7fffffff));
}

/**
 * floor(log2f(v)) of a positive finite v. A normal v = 2^k * (1 + f) with f under 1 - 2^-11 has
 * log2 under k + 1 - 3.5e-4, and rounding a value below 128 in magnitude to float32 moves it less
 * than 2^-17, so the floor is v's exponent k; nearer the next power of two (where log2f rounds up
 * to it) and for subnormals, the logarithm itself.
 */
// @ts-ignore: decorator
@inline function floorLog2(v: f32): i32 {
  const bits = reinterpret<u32>(v), k = <i32>(bits >> 23);
  if (k >= 1 && (bits & 0x7fffff) < 0x7ff000) return k - 127;
  return castInt(floor(<f32>Math.log2(<f64>v)));
}

// ggml's reference quantizer: the exponent floor(log2(max |x|)) - 2 (log2 rounded to float32 first,
// as log2f gives it), then the nearest code for each value.
export function quantizeMXFP4(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 7), dst = out + <usize>b * MXFP4_BYTES;
    const amax = absMax(src, 32);
    const e = amax > 0 ? (floorLog2(amax) - 2 + 127) & 0xff : 0;
    store<u8>(dst, <u8>e);
    const d = halfScale(e);
    if (ASC_FEATURE_SIMD) {
      const t1 = f32x4.splat(1 * d), t2 = f32x4.splat(2 * d), t3 = f32x4.splat(3 * d), t4 = f32x4.splat(4 * d);
      const t6 = f32x4.splat(6 * d), t8 = f32x4.splat(8 * d), t12 = f32x4.splat(12 * d);
      // 16 codes stored before the next 16 values are loaded: given all 32, V8 computed every
      // error of the block before any compare and spilled most of them.
      v128.store(dst + 1, codes16(src, t1, t2, t3, t4, t6, t8, t12));
      const hi = codes16(src + 64, t1, t2, t3, t4, t6, t8, t12);
      v128.store(dst + 1, packNibbles(v128.load(dst + 1), hi));
      continue;
    }
    for (let j = 0; j < 16; j++) {
      const lo = nearestFp4(load<f32>(src + (<usize>j << 2)), d);
      const hi = nearestFp4(load<f32>(src + (<usize>(j + 16) << 2)), d);
      store<u8>(dst + 1 + <usize>j, <u8>(lo | (hi << 4)));
    }
  }
}

/** Codebook indices (doubled E2M1) and the halved scale, for the dot-product packer. */
export function unpackMXFP4(block: usize): void {
  setNibbleCodes(block + 1, 0);
  setD(0, halfScale(<i32>load<u8>(block)), 0);
}
