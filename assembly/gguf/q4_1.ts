// Q4_1: blocks of 32 values, fp16 scale d and fp16 minimum m, then 16 bytes of 4-bit codes (value j
// low nibble, value j + 16 high nibble), x = q * d + m. ggml's reference quantizer: d = (max - min) / 15,
// q = min(15, trunc((x - min) / d + 0.5)).
import { addScaled16, byteConst, castInt, highNibbles, loadF16, lowNibbles, maxOf, minOf, packNibbles, storeF16, truncCodes16 } from "./common";
import { CODES, fitAffineFour, MINS, SCALES, sumSquares, WEIGHTS, weighFour } from "./fit";
import { packFour } from "./q4_0";
import { setD, setNibbleCodes } from "./unpacked";

export const Q4_1_BLOCK = 32;
export const Q4_1_BYTES = 20;

export function quantizeQ4_1(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + <usize>b * (Q4_1_BLOCK << 2);
    const dst = out + <usize>b * Q4_1_BYTES;
    const lo = minOf(src, Q4_1_BLOCK), hi = maxOf(src, Q4_1_BLOCK);
    const d: f32 = (hi - lo) / 15;
    const id: f32 = d != 0 ? 1 / d : 0;
    storeF16(dst, d);
    storeF16(dst + 2, lo);
    if (ASC_FEATURE_SIMD && d < Infinity && id < Infinity) {
      // 0 <= (x - lo) * id <= 15 (+ rounding): codes 0 .. 16 before the cap.
      const vlo = f32x4.splat(lo), vid = f32x4.splat(id), bias = f32x4.splat(0.5), top = byteConst(15);
      const c0 = i8x16.min_u(truncCodes16(src, vlo, vid, bias, true), top);
      const c1 = i8x16.min_u(truncCodes16(src + 64, vlo, vid, bias, true), top);
      v128.store(dst + 4, packNibbles(c0, c1));
      continue;
    }
    for (let j = 0; j < 16; j++) {
      const q0 = min(15, <i32><i8>castInt((load<f32>(src + (<usize>j << 2)) - lo) * id + 0.5));
      const q1 = min(15, <i32><i8>castInt((load<f32>(src + (<usize>(j + 16) << 2)) - lo) * id + 0.5));
      store<u8>(dst + 4 + <usize>j, (q0 & 0xff) | (q1 << 4));
    }
  }
}

export function dequantizeQ4_1(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q4_1_BYTES;
    const out = y + <usize>b * (Q4_1_BLOCK << 2);
    const d = loadF16(block), m = loadF16(block + 2);
    if (ASC_FEATURE_SIMD) {
      // q * d + m, rounded twice as ggml's scalar loop rounds it.
      const v = v128.load(block + 4);
      addScaled16(out, lowNibbles(v), d, m);
      addScaled16(out + 64, highNibbles(v), d, m);
      continue;
    }
    for (let j = 0; j < 16; j++) {
      const q = <i32>load<u8>(block + 4 + <usize>j);
      store<f32>(out + (<usize>j << 2), <f32>(q & 0xf) * d + m);
      store<f32>(out + (<usize>(j + 16) << 2), <f32>(q >> 4) * d + m);
    }
  }
}

// ggml's importance-weighted quantizer for one row of n values: an affine fit per block.
export function quantizeQ4_1Weighted(x: usize, out: usize, n: i32, qw: usize): void {
  const sigma2: f32 = sumSquares(x, n) / <f32>n;
  const blocks = n >> 5;
  for (let b = 0; b < blocks; b += 4) {
    const count = weighFour(x, qw, sigma2, b, blocks), src = x + (<usize>b << 7);
    fitAffineFour(count, 32, 15, src, WEIGHTS, CODES, SCALES, MINS, -0.9, 0.05, 36, false);
    for (let k = 0; k < count; k++) {
      const dst = out + <usize>(b + k) * Q4_1_BYTES, L = CODES + <usize>(32 * k);
      storeF16(dst, load<f32>(SCALES + (<usize>k << 2)));
      storeF16(dst + 2, -load<f32>(MINS + (<usize>k << 2)));
      packFour(L, dst + 4);
    }
  }
}

/** Codes q, d and the offset m, for the dot-product packer. */
export function unpackQ4_1(block: usize): void {
  setNibbleCodes(block + 4, 0);
  setD(0, loadF16(block), loadF16(block + 2));
}
