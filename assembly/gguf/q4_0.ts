// Q4_0: blocks of 32 values, an fp16 scale d then 16 bytes of 4-bit codes (value j in the low nibble
// of byte j, value j + 16 in its high nibble), x = (q - 8) * d. ggml's reference quantizer takes the
// value of largest magnitude m, d = m / -8, and q = min(15, trunc(x / d + 8.5)).
import { byteConst, castInt, highNibbles, loadF16, lowNibbles, packNibbles, signedMax, storeF16, storeScaled16, truncCodes16 } from "./common";
import { CODES, fitSymmetricFour, SCALES, sumSquares, WEIGHTS, weighFour } from "./fit";
import { setD, setNibbleCodes } from "./unpacked";

export const Q4_0_BLOCK = 32;
export const Q4_0_BYTES = 18;

export function quantizeQ4_0(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + <usize>b * (Q4_0_BLOCK << 2);
    const dst = out + <usize>b * Q4_0_BYTES;
    const d: f32 = signedMax(src, Q4_0_BLOCK) / -8;
    const id: f32 = d != 0 ? 1 / d : 0;
    storeF16(dst, d);
    if (ASC_FEATURE_SIMD && abs(id) < Infinity) {
      // |x * id| <= 8 (+ rounding): codes 0 .. 16 before the cap.
      const vid = f32x4.splat(id), bias = f32x4.splat(8.5), top = byteConst(15);
      const c0 = i8x16.min_u(truncCodes16(src, vid, vid, bias, false), top);
      const c1 = i8x16.min_u(truncCodes16(src + 64, vid, vid, bias, false), top);
      v128.store(dst + 2, packNibbles(c0, c1));
      continue;
    }
    for (let j = 0; j < 16; j++) {
      // (int8_t) of x * id + 8.5, then MIN(15, ...): the int8 cast keeps the low byte, signed.
      const lo = min(15, <i32><i8>castInt(load<f32>(src + (<usize>j << 2)) * id + 8.5));
      const hi = min(15, <i32><i8>castInt(load<f32>(src + (<usize>(j + 16) << 2)) * id + 8.5));
      store<u8>(dst + 2 + <usize>j, (lo & 0xf) | (hi << 4));
    }
  }
}

export function dequantizeQ4_0(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q4_0_BYTES;
    const out = y + <usize>b * (Q4_0_BLOCK << 2);
    const d = loadF16(block);
    if (ASC_FEATURE_SIMD) {
      const vd = f32x4.splat(d), eight = byteConst(8);
      const v = v128.load(block + 2);
      const lo = i8x16.sub(lowNibbles(v), eight); // values 0-15
      const hi = i8x16.sub(highNibbles(v), eight);                // values 16-31
      storeScaled16(out, lo, vd);
      storeScaled16(out + 64, hi, vd);
      continue;
    }
    for (let j = 0; j < 16; j++) {
      const q = <i32>load<u8>(block + 2 + <usize>j);
      store<f32>(out + (<usize>j << 2), <f32>((q & 0xf) - 8) * d);
      store<f32>(out + (<usize>(j + 16) << 2), <f32>((q >> 4) - 8) * d);
    }
  }
}

// ggml's importance-weighted quantizer for one row of n values: a symmetric fit per block, weighted
// by qw * sqrt(sigma2 + x^2) with sigma2 the row's mean square.
export function quantizeQ4_0Weighted(x: usize, out: usize, n: i32, qw: usize): void {
  const sigma2: f32 = sumSquares(x, n) / <f32>n;
  const blocks = n >> 5;
  for (let b = 0; b < blocks; b += 4) {
    const count = weighFour(x, qw, sigma2, b, blocks), src = x + (<usize>b << 7);
    fitSymmetricFour(count, 32, 8, src, CODES, WEIGHTS, SCALES);
    for (let k = 0; k < count; k++) {
      const dst = out + <usize>(b + k) * Q4_0_BYTES, L = CODES + <usize>(32 * k);
      storeF16(dst, load<f32>(SCALES + (<usize>k << 2)));
      packFour(L, dst + 2);
    }
  }
}

/** 32 four-bit codes as 16 bytes of nibbles (value j low, j + 16 high). Q4_1 too. */
export function packFour(L: usize, dst: usize): void {
  for (let j = 0; j < 16; j++) store<u8>(dst + <usize>j, load<u8>(L + <usize>j) | (load<u8>(L + <usize>(j + 16)) << 4));
}

/** Codebook indices (the table is q - 8) and d, for the dot-product packer. */
export function unpackQ4_0(block: usize): void {
  setNibbleCodes(block + 2, 0);
  setD(0, loadF16(block), 0);
}
