// Helpers the GGUF block formats share.
import { f16FromF32Bits, f32BitsFromF16 } from "../convert/f16";

/**
 * ggml stores block scales as IEEE half; the same rounding as f32ToF16. A NaN scale can only come
 * out of a quantizer's own arithmetic (inf / inf or inf * 0 on rows near 1e30: its input is
 * finite), and such a NaN's sign is the hardware's: set on x86, where ggml's vectors were made,
 * clear on Arm. It is stored as x86's, 0xfe00, on every machine.
 */
// @ts-ignore: decorator
@inline export function storeF16(p: usize, v: f32): void {
  store<u16>(p, v != v ? 0xfe00 : <u16>f16FromF32Bits(reinterpret<u32>(v)));
}

// @ts-ignore: decorator
@inline export function loadF16(p: usize): f32 {
  return reinterpret<f32>(f32BitsFromF16(<u32>load<u16>(p)));
}

/** The value of half-precision bits. */
// @ts-ignore: decorator
@inline export function reinterpretF16(bits: i32): f32 {
  return reinterpret<f32>(f32BitsFromF16(<u32>bits & 0xffff));
}

/** C's roundf: to nearest, ties away from zero. v - trunc(v) is exact, so the tie test is too. */
// @ts-ignore: decorator
@inline export function roundAway(v: f32): f32 {
  const t = trunc(v);
  return abs(v - t) >= 0.5 ? t + copysign<f32>(1, v) : t;
}

// ggml's nearest_int: adding 1.5 * 2^23 rounds to nearest even and leaves the integer in the low
// mantissa bits (valid for |v| < 2^22; larger values come out wrong the same way ggml's do).
// @ts-ignore: decorator
@inline export function nearestInt(v: f32): i32 {
  return (reinterpret<i32>(v + 12582912) & 0x007fffff) - 0x00400000;
}

/** nearestInt of four lanes. */
// @ts-ignore: decorator
@inline export function nearestInt4(v: v128): v128 {
  return i32x4.sub(v128.and(f32x4.add(v, f32x4.splat(12582912)), i32x4.splat(0x007fffff)), i32x4.splat(0x00400000));
}

/** The integers first .. first + 3 in four lanes: the candidates a SIMD search takes at once. */
// @ts-ignore: decorator
@inline export function fourFrom(first: i32): v128 {
  return i32x4.add(i32x4.splat(first), v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0));
}

/**
 * C's float-to-integer cast as x86 executes it: truncation, and the "integer indefinite" 0x80000000
 * (whose low byte is 0) for NaN, infinities and values out of int range. A scale 1/d that overflows
 * (subnormal d) reaches here as infinity; wasm's conversion would trap instead.
 */
// @ts-ignore: decorator
@inline export function castInt(v: f32): i32 {
  return abs(v) < 2147483648 ? <i32>v : i32.MIN_VALUE;
}

// The block scans of ggml's reference quantizers, each with its exact comparison (they decide ties).

/**
 * max |x| over n floats, as ggml's MAX(amax, |x|) accumulates it. For finite values (quantizers are
 * only handed finite input) the order does not matter, so SIMD builds take four lanes at a time, as
 * integers: the bits of non-negative floats order as the floats do, and i32x4.max_u is one x86
 * instruction where f32x4.max (NaN and signed-zero rules) is several.
 */
// @ts-ignore: decorator
@inline export function absMax(x: usize, n: i32): f32 {
  let amax: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    if ((n & 15) == 0) {
      const m = absMaxLanes(x, n);
      return reinterpret<f32>(max(max(i32x4.extract_lane(m, 0), i32x4.extract_lane(m, 1)), max(i32x4.extract_lane(m, 2), i32x4.extract_lane(m, 3))));
    }
  }
  for (let j = 0; j < n; j++) {
    const v = abs(load<f32>(x + (<usize>j << 2)));
    amax = amax > v ? amax : v;
  }
  return amax;
}

/**
 * absMax of n floats (a multiple of 16) in four lanes, as float bits. The bits shifted left by one
 * (the sign dropped) order as unsigned integers as the magnitudes do: V8 builds f32x4.abs's mask
 * anew at every use (three instructions), the shift is one.
 */
// @ts-ignore: decorator
@inline export function absMaxLanes(x: usize, n: i32): v128 {
  let m = i32x4.splat(0);
  for (let j = 0; j < n; j += 16) {
    const p = x + (<usize>j << 2);
    const a = i32x4.max_u(i32x4.shl(v128.load(p), 1), i32x4.shl(v128.load(p, 16), 1));
    const b = i32x4.max_u(i32x4.shl(v128.load(p, 32), 1), i32x4.shl(v128.load(p, 48), 1));
    m = i32x4.max_u(m, i32x4.max_u(a, b));
  }
  return i32x4.shr_u(m, 1);
}

/** The first value of largest magnitude (ggml: `if (amax < fabsf(v)) { amax = fabsf(v); max = v; }`). */
// @ts-ignore: decorator
@inline export function signedMax(x: usize, n: i32): f32 {
  let amax: f32 = 0, m: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    if ((n & 7) == 0) {
      // One pass of max and min (pmax and pmin from -inf and +inf pass over NaNs, as ggml's compare
      // does): unless the largest magnitude comes with both signs, it is the max or the min, and
      // every value that has it is that one value. Scans of 64 values or more keep four chains each
      // (with two, their latency bound Q8_K's 256-value scan: 1.05x); shorter ones two (their
      // longer reduction cost Q4_0 and Q5_0 1.04x). n is a constant where this is inlined.
      const wide = n >= 64 && (n & 15) == 0;
      let hi0 = f32x4.splat(-Infinity), hi1 = hi0, hi2 = hi0, hi3 = hi0;
      let lo0 = f32x4.splat(Infinity), lo1 = lo0, lo2 = lo0, lo3 = lo0;
      for (let j = 0; j < n; j += wide ? 16 : 8) {
        const p = x + (<usize>j << 2);
        const a = v128.load(p), b = v128.load(p, 16);
        hi0 = f32x4.pmax(hi0, a);
        hi1 = f32x4.pmax(hi1, b);
        lo0 = f32x4.pmin(lo0, a);
        lo1 = f32x4.pmin(lo1, b);
        if (wide) {
          const c = v128.load(p, 32), d = v128.load(p, 48);
          hi2 = f32x4.pmax(hi2, c);
          hi3 = f32x4.pmax(hi3, d);
          lo2 = f32x4.pmin(lo2, c);
          lo3 = f32x4.pmin(lo3, d);
        }
      }
      let hi = f32x4.pmax(hi0, hi1), lo = f32x4.pmin(lo0, lo1);
      if (wide) {
        hi = f32x4.pmax(hi, f32x4.pmax(hi2, hi3));
        lo = f32x4.pmin(lo, f32x4.pmin(lo2, lo3));
      }
      hi = f32x4.pmax(hi, v128.shuffle<f32>(hi, hi, 2, 3, 0, 1));
      lo = f32x4.pmin(lo, v128.shuffle<f32>(lo, lo, 2, 3, 0, 1));
      const high = max<f32>(f32x4.extract_lane(hi, 0), f32x4.extract_lane(hi, 1)), low = min<f32>(f32x4.extract_lane(lo, 0), f32x4.extract_lane(lo, 1));
      if (-low != high) return -low > high ? low : high;
      // Both signs (or only zeros and NaNs): ggml's strict compare keeps the first value of largest
      // magnitude, which is high (NaNs never win a compare, there or in pmax). Find the first lane
      // with it.
      const top = high, target = f32x4.splat(top);
      for (let j = 0; j < n; j += 8) {
        const p = x + (<usize>j << 2);
        if (v128.any_true(v128.or(f32x4.eq(f32x4.abs(v128.load(p)), target), f32x4.eq(f32x4.abs(v128.load(p, 16)), target)))) {
          for (let k = j; ; k++) {
            const s = load<f32>(x + (<usize>k << 2));
            if (abs(s) == top) return top == 0 ? 0 : s;
          }
        }
      }
    }
  }
  for (let j = 0; j < n; j++) {
    const v = load<f32>(x + (<usize>j << 2));
    if (amax < abs(v)) {
      amax = abs(v);
      m = v;
    }
  }
  return m;
}

// minOf and maxOf: SIMD builds keep four lanes as the scalar loop keeps its one (pmin and pmax keep
// the value they hold on ties); of equal values only zeros of both signs differ in their bits, so
// a zero result takes the loop, which keeps ggml's first zero.
// @ts-ignore: decorator
@inline export function minOf(x: usize, n: i32): f32 {
  return extremeOf(x, n, false);
}

// @ts-ignore: decorator
@inline export function maxOf(x: usize, n: i32): f32 {
  return extremeOf(x, n, true);
}

// @ts-ignore: decorator
@inline function extremeOf(x: usize, n: i32, high: bool): f32 {
  if (ASC_FEATURE_SIMD) {
    if ((n & 7) == 0) {
      let a = f32x4.splat(high ? -f32.MAX_VALUE : f32.MAX_VALUE), b = a;
      for (let j = 0; j < n; j += 8) {
        a = keep(a, v128.load(x + (<usize>j << 2)), high);
        b = keep(b, v128.load(x + (<usize>j << 2), 16), high);
      }
      a = keep(a, b, high);
      a = keep(a, v128.shuffle<f32>(a, a, 2, 3, 0, 1), high);
      const u = f32x4.extract_lane(a, 0), v = f32x4.extract_lane(a, 1);
      const m = high ? max<f32>(u, v) : min<f32>(u, v);
      if (m != 0) return m;
    }
  }
  let e = high ? -f32.MAX_VALUE : f32.MAX_VALUE;
  for (let j = 0; j < n; j++) {
    const v = load<f32>(x + (<usize>j << 2));
    if (high ? v > e : v < e) e = v;
  }
  return e;
}

// @ts-ignore: decorator
@inline function keep(a: v128, b: v128, high: bool): v128 {
  return high ? f32x4.pmax(a, b) : f32x4.pmin(a, b);
}

/** 16 int8 codes times d (splatted), as 16 floats at out: one rounding each, like the scalar loops. */
// @ts-ignore: decorator
@inline export function storeScaled16(out: usize, codes: v128, d: v128): void {
  const a = i16x8.extend_low_i8x16_s(codes), b = i16x8.extend_high_i8x16_s(codes);
  v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(a)), d));
  v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(a)), d), 16);
  v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(b)), d), 32);
  v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(b)), d), 48);
}

// 16 unsigned byte codes c as d * c - m, 16 floats at out (the scalar loop's two roundings).
// @ts-ignore: decorator
@inline export function affine16(out: usize, codes: v128, d: f32, m: f32): void {
  const vd = f32x4.splat(d), vm = f32x4.splat(m);
  const a = i16x8.extend_low_i8x16_u(codes), b = i16x8.extend_high_i8x16_u(codes);
  v128.store(out, f32x4.sub(f32x4.mul(vd, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(a))), vm));
  v128.store(out, f32x4.sub(f32x4.mul(vd, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(a))), vm), 16);
  v128.store(out, f32x4.sub(f32x4.mul(vd, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(b))), vm), 32);
  v128.store(out, f32x4.sub(f32x4.mul(vd, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(b))), vm), 48);
}

// 16 unsigned byte codes c as c * d + m, 16 floats at out.
// @ts-ignore: decorator
@inline export function addScaled16(out: usize, codes: v128, d: f32, m: f32): void {
  const vd = f32x4.splat(d), vm = f32x4.splat(m);
  const a = i16x8.extend_low_i8x16_u(codes), b = i16x8.extend_high_i8x16_u(codes);
  v128.store(out, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(a)), vd), vm));
  v128.store(out, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(a)), vd), vm), 16);
  v128.store(out, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(b)), vd), vm), 32);
  v128.store(out, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(b)), vd), vm), 48);
}

/** 0x10 in lane k where bit k of the 16 bits is set: the fifth bits of Q5_0 / Q5_1 codes. */
// @ts-ignore: decorator
@inline export function fifthBits16(bits: u32): v128 {
  const v = i8x16.shuffle(i16x8.splat(<i16>bits), i16x8.splat(0), 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
  const lanes = bitLanes();
  return v128.and(i8x16.eq(v128.and(v, lanes), lanes), byteConst(16));
}

/** The lane sums of four vectors in four lanes: [sum a, sum b, sum c, sum d] (integers: exact in any order). */
// @ts-ignore: decorator
@inline export function sumFour(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(i32x4.shuffle(a, b, 0, 4, 1, 5), i32x4.shuffle(a, b, 2, 6, 3, 7));
  const cd = i32x4.add(i32x4.shuffle(c, d, 0, 4, 1, 5), i32x4.shuffle(c, d, 2, 6, 3, 7));
  return i32x4.add(i32x4.shuffle(ab, cd, 0, 1, 4, 5), i32x4.shuffle(ab, cd, 2, 3, 6, 7));
}

/** The low byte of each int32 lane of a, b, c, d, in order: C's (int8_t) of 16 ints. */
// @ts-ignore: decorator
@inline export function lowBytes(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i8x16.shuffle(a, b, 0, 4, 8, 12, 16, 20, 24, 28, 0, 0, 0, 0, 0, 0, 0, 0);
  const cd = i8x16.shuffle(c, d, 0, 4, 8, 12, 16, 20, 24, 28, 0, 0, 0, 0, 0, 0, 0, 0);
  return i8x16.shuffle(ab, cd, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
}

/** lowBytes of lanes known to lie in [-128, 127], where the saturating narrows keep every value: 3 instructions instead of 3 two-input shuffles. */
// @ts-ignore: decorator
@inline export function narrowBytes(a: v128, b: v128, c: v128, d: v128): v128 {
  return i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(a, b), i16x8.narrow_i32x4_s(c, d));
}

/**
 * castInt(roundAway(x * id)) (C's roundf, then its cast) of the 16 values at p as bytes, given
 * id2 = 2 * id finite with |x * id| <= 127 (Q8_0, Q8_1, TQ1_0, TQ2_0). With v = x * id = n + f,
 * n = trunc(v): t = trunc(2v) = 2n + (|f| >= 1/2 ? sign of v : 0), so roundf(v) is t + 1 >> 1 where
 * t >= 0 and t >> 1 where t < 0 (floor shifts), on int16 lanes. x * id2 is 2v exactly but where v is
 * subnormal, and there both truncate to 0. One rounding per value and no tie-breaking copysign:
 * 23 vector instructions per 16 values where trunc(v + copysign(0.5 - 2^-25, v)) took 31.
 */
// @ts-ignore: decorator
@inline export function roundAway16(p: usize, id2: v128): v128 {
  const lo = halve8(twice4(v128.load(p), id2), twice4(v128.load(p, 16), id2));
  return i8x16.narrow_i16x8_s(lo, halve8(twice4(v128.load(p, 32), id2), twice4(v128.load(p, 48), id2)));
}

// trunc(x * id2) in int32 lanes. The relaxed build truncates in one instruction (the same integer on
// every engine for values in range); the SIMD build takes the integer from trunc + 1.5 * 2^23's low
// mantissa bits, as V8's saturating conversion is several instructions.
// @ts-ignore: decorator
@inline function twice4(x: v128, id2: v128): v128 {
  const w = f32x4.mul(x, id2);
  if (ASC_FEATURE_RELAXED_SIMD) return i32x4.relaxed_trunc_f32x4_s(w);
  return i32x4.sub(f32x4.add(f32x4.trunc(w), f32x4.splat(12582912)), i32x4.splat(0x4b400000));
}

// roundAway16's halving of eight t (t + 1 >> 1 where t >= 0, t >> 1 where t < 0) as one unsigned
// rounding average: (t + b + 1) >> 1 with b = t >> 15, 0 or 0xffff, in 17 bits and kept to 16.
// @ts-ignore: decorator
@inline function halve8(a: v128, b: v128): v128 {
  const t = i16x8.narrow_i32x4_s(a, b);
  return i16x8.avgr_u(t, i16x8.shr_s(t, 15));
}

/** roundf(x * id) + 1 of the 16 values at p as bytes, for |x * id| <= 1 and id2 = 2 * id finite: TQ1_0's and TQ2_0's trits. */
// @ts-ignore: decorator
@inline export function ternary16(p: usize, id2: v128): v128 {
  return i8x16.add(roundAway16(p, id2), byteConst(1));
}

/**
 * The legacy quantizers' codes of 16 values at p, as bytes: C's integer cast of x * id + bias, or with
 * `affine` of (x - lo) * id + bias, by the scalar loops' float operations. For callers whose 1 / d
 * is finite, which keeps every value in [0, 33).
 */
// @ts-ignore: decorator
@inline export function truncCodes16(p: usize, lo: v128, id: v128, bias: v128, affine: bool): v128 {
  const a = truncCode4(v128.load(p), lo, id, bias, affine), b = truncCode4(v128.load(p, 16), lo, id, bias, affine);
  const c = truncCode4(v128.load(p, 32), lo, id, bias, affine), d = truncCode4(v128.load(p, 48), lo, id, bias, affine);
  return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(a, b), i16x8.narrow_i32x4_u(c, d));
}

// As in Q8_0's code4: the relaxed build truncates in one instruction, the SIMD build takes the
// integer from trunc + 1.5 * 2^23 (V8's saturating conversion is several instructions).
// @ts-ignore: decorator
@inline function truncCode4(x: v128, lo: v128, id: v128, bias: v128, affine: bool): v128 {
  const v = f32x4.add(f32x4.mul(affine ? f32x4.sub(x, lo) : x, id), bias);
  if (ASC_FEATURE_RELAXED_SIMD) return i32x4.relaxed_trunc_f32x4_s(v);
  return i32x4.sub(f32x4.add(f32x4.trunc(v), f32x4.splat(12582912)), i32x4.splat(0x4b400000));
}

/** Bytes lo | hi << 4 of two vectors of codes <= 15 (an int16 shift: no bit crosses a byte). */
// @ts-ignore: decorator
@inline export function packNibbles(lo: v128, hi: v128): v128 {
  return v128.or(lo, i16x8.shl(hi, 4));
}

/** Bit 4 of 16 codes, code j's at bit j: shifted to each byte's top bit (int16 lanes suffice). */
// @ts-ignore: decorator
@inline export function fifthBitMask(codes: v128): u32 {
  return <u32>i8x16.bitmask(i16x8.shl(codes, 3));
}

/** Index of the first NaN or infinity among n floats at x, or -1. Quantizers refuse such input. */
export function firstNonFinite(x: usize, n: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // Bits shifted left by one (sign dropped) are 0xff000000 or more exactly for infinities and NaNs,
    // so one unsigned max of 16 and one compare decide (see absMaxLanes on f32x4.abs).
    for (; i + 16 <= n; i += 16) {
      const p = x + (<usize>i << 2);
      const m = i32x4.max_u(i32x4.max_u(i32x4.shl(v128.load(p), 1), i32x4.shl(v128.load(p, 16), 1)),
        i32x4.max_u(i32x4.shl(v128.load(p, 32), 1), i32x4.shl(v128.load(p, 48), 1)));
      if (v128.any_true(i32x4.ge_u(m, i32x4.splat(0xff000000)))) break; // the scalar loop below finds which
    }
  }
  for (; i < n; i++) {
    if (!(abs(load<f32>(x + (<usize>i << 2))) < Infinity)) return i;
  }
  return -1;
}

// Byte constants in memory: V8 rebuilds a v128 constant at each use inside a loop (three or four
// instructions), where a load is one. 16 copies each of 0x0f, 0x30, 32, 3, 8, 16, 1, 4.
const BYTE_CONSTS = memory.data<u8>([
  0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
  0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
  32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
  3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
  8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
  16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
], 16);

/** Byte b in all 16 lanes, from memory for the values above (b a constant: the choice folds away). */
// @ts-ignore: decorator
@inline export function byteConst(b: i32): v128 {
  const k = b == 0x0f ? 0 : b == 0x30 ? 1 : b == 32 ? 2 : b == 3 ? 3 : b == 8 ? 4 : b == 16 ? 5 : b == 1 ? 6 : b == 4 ? 7 : -1;
  return k < 0 ? i8x16.splat(<i8>b) : v128.load(BYTE_CONSTS + (<usize>k << 4));
}

const WORD_CONSTS = memory.data<u16>([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 3, 3, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1], 16);

/** byteConst for int16 lanes: 0xff, 3, 1. */
// @ts-ignore: decorator
@inline export function wordConst(w: i32): v128 {
  const k = w == 0xff ? 0 : w == 3 ? 1 : w == 1 ? 2 : -1;
  return k < 0 ? i16x8.splat(<i16>w) : v128.load(WORD_CONSTS + (<usize>k << 4));
}

const BIT_LANES = memory.data<u8>([1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128], 16);

/** Bit k % 8 set in byte k: with a byte spread over 8 lanes, picks each lane's bit. */
// @ts-ignore: decorator
@inline export function bitLanes(): v128 {
  return v128.load(BIT_LANES);
}

/** The low nibble of each byte. */
// @ts-ignore: decorator
@inline export function lowNibbles(v: v128): v128 {
  return v128.and(v, byteConst(0x0f));
}

/** The high nibble of each byte, shifted down: an int16 shift and a mask (V8's i8x16 shifts are five instructions). */
// @ts-ignore: decorator
@inline export function highNibbles(v: v128): v128 {
  return v128.and(i16x8.shr_u(v, 4), byteConst(0x0f));
}

/**
 * Bytes of t at indices i, every index below 16 (nibbles): there the relaxed swizzle is the same
 * bytes on every engine, and one x86 instruction where the strict one adds a saturating add.
 */
// @ts-ignore: decorator
@inline export function lookup16(t: v128, i: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i8x16.relaxed_swizzle(t, i);
  return i8x16.swizzle(t, i);
}

/** Bits shift, shift + 1 of each byte (shift <= 6), as highNibbles does it. */
// @ts-ignore: decorator
@inline export function bitPairs(v: v128, shift: i32): v128 {
  return v128.and(i16x8.shr_u(v, shift), byteConst(3));
}
