// TQ1_0: super-blocks of 256 ternary values: 48 bytes holding 5 trits each, 4 bytes holding 4 trits
// each, then fp16 d; x = (t - 1) * d. Trit n of a byte q is the top base-3 digit of the byte
// q * 3^n (mod 256), read as (q * 3^n mod 256) * 3 >> 8.
import { absMax, castInt, loadF16, roundAway, storeF16, ternary16, wordConst } from "./common";
import { setCode, setD } from "./unpacked";

export const TQ1_0_BYTES = 54;

// @ts-ignore: decorator
@inline function trit(q: i32, pow3: i32): i32 {
  return (((q * pow3) & 0xff) * 3) >> 8;
}

// trit(q, p) - 1 of 8 bytes (int16 lanes q), p per lane, as int16 lanes.
// @ts-ignore: decorator
@inline function trits8(q: v128, p: v128): v128 {
  return i16x8.sub(i16x8.shr_u(i16x8.mul(v128.and(i16x8.mul(q, p), wordConst(0xff)), wordConst(3)), 8), wordConst(1));
}

// (trit(q, p) - 1) * d of 16 bytes v, 16 floats at out; plo, phi the powers for the low and high 8.
// @ts-ignore: decorator
@inline function trits16(out: usize, v: v128, plo: v128, phi: v128, vd: v128): void {
  const a = trits8(i16x8.extend_low_i8x16_u(v), plo), b = trits8(i16x8.extend_high_i8x16_u(v), phi);
  v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(a)), vd));
  v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(a)), vd), 16);
  v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(b)), vd), 32);
  v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(b)), vd), 48);
}

// Values of trit n of the 48 bytes v0, v1, v2 (bytes 0-31 give 32 values, 32-47 give 16) at out.
// @ts-ignore: decorator
@inline function trit48(out: usize, v0: v128, v1: v128, v2: v128, n: i32, vd: v128): void {
  const p = i16x8.splat(<i16>(n == 0 ? 1 : n == 1 ? 3 : n == 2 ? 9 : n == 3 ? 27 : 81));
  trits16(out + <usize>(128 * n), v0, p, p, vd);
  trits16(out + <usize>(128 * n + 64), v1, p, p, vd);
  trits16(out + <usize>(640 + 64 * n), v2, p, p, vd);
}

export function dequantizeTQ1_0(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * TQ1_0_BYTES;
    const d = loadF16(block + 52);
    let out = y + (<usize>b << 10);
    // Bytes 0-31 give 5 x 32 values, bytes 32-47 give 5 x 16, bytes 48-51 give 4 x 4.
    if (ASC_FEATURE_SIMD) {
      // Written out, so that every power of 3 is a constant (loops kept them in registers); the last
      // 16 values (4 bytes, 4 trits each) as one more vector with a power per lane.
      const vd = f32x4.splat(d), v0 = v128.load(block), v1 = v128.load(block, 16), v2 = v128.load(block, 32);
      trit48(out, v0, v1, v2, 0, vd);
      trit48(out, v0, v1, v2, 1, vd);
      trit48(out, v0, v1, v2, 2, vd);
      trit48(out, v0, v1, v2, 3, vd);
      trit48(out, v0, v1, v2, 4, vd);
      trits16(out + 960, i32x4.splat(load<i32>(block + 48)), i16x8(1, 1, 1, 1, 3, 3, 3, 3), i16x8(9, 9, 9, 9, 27, 27, 27, 27), vd);
      continue;
    }
    for (let n = 0, p = 1; n < 5; n++, p *= 3) {
      for (let m = 0; m < 32; m++) {
        store<f32>(out, <f32>(trit(<i32>load<u8>(block + <usize>m), p) - 1) * d);
        out += 4;
      }
    }
    for (let n = 0, p = 1; n < 5; n++, p *= 3) {
      for (let m = 0; m < 16; m++) {
        store<f32>(out, <f32>(trit(<i32>load<u8>(block + 32 + <usize>m), p) - 1) * d);
        out += 4;
      }
    }
    for (let n = 0, p = 1; n < 4; n++, p *= 3) {
      for (let m = 0; m < 4; m++) {
        store<f32>(out, <f32>(trit(<i32>load<u8>(block + 48 + <usize>m), p) - 1) * d);
        out += 4;
      }
    }
  }
}

// Trit of x / max|x| as 0, 1, 2 (C's lroundf: ties away from zero).
// @ts-ignore: decorator
@inline function ternary(x: usize, i: i32, id: f32): i32 {
  return castInt(roundAway(load<f32>(x + (<usize>i << 2)) * id)) + 1;
}

/** 5 (or 4, then shifted up one trit) trits as a byte q with q / 256 ~ the base-3 fraction, rounded up. */
// @ts-ignore: decorator
@inline function packTrits(q: i32): u8 {
  return <u8>(((q & 0xff) * 256 + 242) / 243);
}

/**
 * packTrits of 16 bytes whose trits n = 0 .. 4 are the values at p + 4 * (m + stride * n): the base-3
 * number in bytes (it stays under 243), then (q * 256 + 242) / 243 as (y * 69043) >> 24 in 32-bit
 * lanes, exact for every y up to 242 * 256 + 242 (its error stays under 1 / 243) and under 2^32.
 */
// @ts-ignore: decorator
@inline function packTrits16(p: usize, stride: i32, id2: v128): v128 {
  const s = <usize>stride << 2;
  let q = ternary16(p, id2);
  for (let n = 1; n < 5; n++) q = i8x16.add(i8x16.add(i8x16.add(q, q), q), ternary16(p + s * <usize>n, id2));
  const low = i8x16.splat(-14); // 242
  const a = i8x16.shuffle(low, q, 0, 16, 0, 17, 0, 18, 0, 19, 0, 20, 0, 21, 0, 22, 0, 23);
  const b = i8x16.shuffle(low, q, 0, 24, 0, 25, 0, 26, 0, 27, 0, 28, 0, 29, 0, 30, 0, 31);
  const k = i32x4.splat(69043);
  const a0 = i32x4.shr_u(i32x4.mul(i32x4.extend_low_i16x8_u(a), k), 24), a1 = i32x4.shr_u(i32x4.mul(i32x4.extend_high_i16x8_u(a), k), 24);
  const b0 = i32x4.shr_u(i32x4.mul(i32x4.extend_low_i16x8_u(b), k), 24), b1 = i32x4.shr_u(i32x4.mul(i32x4.extend_high_i16x8_u(b), k), 24);
  return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(a0, a1), i16x8.narrow_i32x4_u(b0, b1));
}

// ggml's reference quantizer: d = max |x|, trits round(x / d) + 1.
export function quantizeTQ1_0(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * TQ1_0_BYTES;
    const d = absMax(src, 256);
    const id: f32 = d != 0 ? 1 / d : 0;
    storeF16(dst + 52, d);
    if (ASC_FEATURE_SIMD && id + id < Infinity) {
      const vid = f32x4.splat(id + id);
      v128.store(dst, packTrits16(src, 32, vid));
      v128.store(dst + 16, packTrits16(src + 64, 32, vid));
      v128.store(dst + 32, packTrits16(src + 640, 16, vid));
      for (let j = 0; j < 4; j++) {
        let q = 0;
        for (let m = 0; m < 4; m++) q = q * 3 + ternary(src + 960, j + m * 4, id);
        store<u8>(dst + 48 + <usize>j, packTrits(q * 3));
      }
      continue;
    }
    for (let m = 0; m < 32; m++) {
      let q = 0;
      for (let n = 0; n < 5; n++) q = q * 3 + ternary(src, m + n * 32, id);
      store<u8>(dst + <usize>m, packTrits(q));
    }
    for (let m = 0; m < 16; m++) {
      let q = 0;
      for (let n = 0; n < 5; n++) q = q * 3 + ternary(src + 640, m + n * 16, id);
      store<u8>(dst + 32 + <usize>m, packTrits(q));
    }
    for (let j = 0; j < 4; j++) {
      let q = 0;
      for (let m = 0; m < 4; m++) q = q * 3 + ternary(src + 960, j + m * 4, id);
      store<u8>(dst + 48 + <usize>j, packTrits(q * 3));
    }
  }
}

/** Trits as indices (the table is t - 1) and d, for the dot-product packer; values in dequantize's order. */
export function unpackTQ1_0(block: usize): void {
  let i = 0;
  for (let n = 0, p = 1; n < 5; n++, p *= 3) for (let m = 0; m < 32; m++) setCode(i++, trit(<i32>load<u8>(block + <usize>m), p));
  for (let n = 0, p = 1; n < 5; n++, p *= 3) for (let m = 0; m < 16; m++) setCode(i++, trit(<i32>load<u8>(block + 32 + <usize>m), p));
  for (let n = 0, p = 1; n < 4; n++, p *= 3) for (let m = 0; m < 4; m++) setCode(i++, trit(<i32>load<u8>(block + 48 + <usize>m), p));
  setD(0, loadF16(block + 52), 0);
}
