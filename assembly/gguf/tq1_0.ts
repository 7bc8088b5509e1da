// TQ1_0: super-blocks of 256 ternary values: 48 bytes holding 5 trits each, 4 bytes holding 4 trits
// each, then fp16 d; x = (t - 1) * d. Trit n of a byte q is the top base-3 digit of the byte
// q * 3^n (mod 256), read as (q * 3^n mod 256) * 3 >> 8.
import { absMax, castInt, loadF16, roundAway, storeF16, storeScaled16, wordConst } from "./common";
import { setCode, setD } from "./unpacked";

export const TQ1_0_BYTES = 54;

// @ts-ignore: decorator
@inline function trit(q: i32, pow3: i32): i32 {
  return (((q * pow3) & 0xff) * 3) >> 8;
}

// trit(q, p) - 1 of 16 bytes, as int8 lanes: the byte arithmetic done in int16 lanes.
// @ts-ignore: decorator
@inline function trits16(v: v128, p: i32): v128 {
  const vp = i16x8.splat(<i16>p), mask = wordConst(0xff), three = wordConst(3), one = wordConst(1);
  const lo = i16x8.sub(i16x8.shr_u(i16x8.mul(v128.and(i16x8.mul(i16x8.extend_low_i8x16_u(v), vp), mask), three), 8), one);
  const hi = i16x8.sub(i16x8.shr_u(i16x8.mul(v128.and(i16x8.mul(i16x8.extend_high_i8x16_u(v), vp), mask), three), 8), one);
  return i8x16.narrow_i16x8_s(lo, hi);
}

export function dequantizeTQ1_0(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * TQ1_0_BYTES;
    const d = loadF16(block + 52);
    let out = y + (<usize>b << 10);
    // Bytes 0-31 give 5 x 32 values, bytes 32-47 give 5 x 16, bytes 48-51 give 4 x 4.
    if (ASC_FEATURE_SIMD) {
      const vd = f32x4.splat(d), v0 = v128.load(block), v1 = v128.load(block, 16), v2 = v128.load(block, 32);
      for (let n = 0, p = 1; n < 5; n++, p *= 3) {
        storeScaled16(out, trits16(v0, p), vd);
        storeScaled16(out + 64, trits16(v1, p), vd);
        out += 128;
      }
      for (let n = 0, p = 1; n < 5; n++, p *= 3) {
        storeScaled16(out, trits16(v2, p), vd);
        out += 64;
      }
      for (let n = 0, p = 1; n < 4; n++, p *= 3) {
        for (let m = 0; m < 4; m++) {
          store<f32>(out, <f32>(trit(<i32>load<u8>(block + 48 + <usize>m), p) - 1) * d);
          out += 4;
        }
      }
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

// ggml's reference quantizer: d = max |x|, trits round(x / d) + 1.
export function quantizeTQ1_0(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * TQ1_0_BYTES;
    const d = absMax(src, 256);
    const id: f32 = d != 0 ? 1 / d : 0;
    storeF16(dst + 52, d);
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
