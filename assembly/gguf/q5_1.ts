// Q5_1: blocks of 32 values: fp16 scale d and minimum m, 32 high bits qh, 16 bytes of low nibbles;
// x = q * d + m. ggml's reference quantizer: d = (max - min) / 31, q = trunc((x - min) / d + 0.5)
// (no clamp: (max - min) / d rounds to at most 31.5).
import { addScaled16, castInt, fifthBitMask, fifthBits16, highNibbles, loadF16, lowNibbles, maxOf, minOf, packNibbles, storeF16, truncCodes16 } from "./common";
import { CODES, fitAffineFour, MINS, SCALES, sumSquares, WEIGHTS, weighFour } from "./fit";
import { packFive } from "./q5_0";
import { setCode, setD } from "./unpacked";

export const Q5_1_BLOCK = 32;
export const Q5_1_BYTES = 24;

export function quantizeQ5_1(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + <usize>b * (Q5_1_BLOCK << 2);
    const dst = out + <usize>b * Q5_1_BYTES;
    const lo = minOf(src, Q5_1_BLOCK), hi = maxOf(src, Q5_1_BLOCK);
    const d: f32 = (hi - lo) / 31;
    const id: f32 = d != 0 ? 1 / d : 0;
    storeF16(dst, d);
    storeF16(dst + 2, lo);
    if (ASC_FEATURE_SIMD && d < Infinity && id < Infinity) {
      // 0 <= (x - lo) * id <= 31 (+ rounding): codes 0 .. 31.
      const vlo = f32x4.splat(lo), vid = f32x4.splat(id), bias = f32x4.splat(0.5);
      const c0 = truncCodes16(src, vlo, vid, bias, true), c1 = truncCodes16(src + 64, vlo, vid, bias, true);
      store<u32>(dst + 4, fifthBitMask(c0) | (fifthBitMask(c1) << 16));
      v128.store(dst + 8, packNibbles(lowNibbles(c0), lowNibbles(c1)));
      continue;
    }
    let qh: u32 = 0;
    for (let j = 0; j < 16; j++) {
      const q0 = castInt((load<f32>(src + (<usize>j << 2)) - lo) * id + 0.5) & 0xff; // (uint8_t) cast
      const q1 = castInt((load<f32>(src + (<usize>(j + 16) << 2)) - lo) * id + 0.5) & 0xff;
      store<u8>(dst + 8 + <usize>j, (q0 & 0xf) | ((q1 & 0xf) << 4));
      qh |= (<u32>(q0 & 0x10) >> 4) << j;
      qh |= (<u32>(q1 & 0x10) >> 4) << (j + 16);
    }
    store<u32>(dst + 4, qh);
  }
}

export function dequantizeQ5_1(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q5_1_BYTES;
    const out = y + <usize>b * (Q5_1_BLOCK << 2);
    const d = loadF16(block), m = loadF16(block + 2);
    const qh = load<u32>(block + 4);
    if (ASC_FEATURE_SIMD) {
      const v = v128.load(block + 8);
      addScaled16(out, v128.or(lowNibbles(v), fifthBits16(qh)), d, m);
      addScaled16(out + 64, v128.or(highNibbles(v), fifthBits16(qh >> 16)), d, m);
      continue;
    }
    for (let j = 0; j < 16; j++) {
      const q = <i32>load<u8>(block + 8 + <usize>j);
      const h0 = <i32>((qh >> j) << 4) & 0x10;
      const h1 = <i32>(qh >> (j + 12)) & 0x10;
      store<f32>(out + (<usize>j << 2), <f32>((q & 0xf) | h0) * d + m);
      store<f32>(out + (<usize>(j + 16) << 2), <f32>((q >> 4) | h1) * d + m);
    }
  }
}

// ggml's importance-weighted quantizer for one row of n values: an affine fit per block.
export function quantizeQ5_1Weighted(x: usize, out: usize, n: i32, qw: usize): void {
  const sigma2: f32 = sumSquares(x, n) / <f32>n;
  const blocks = n >> 5;
  for (let b = 0; b < blocks; b += 4) {
    const count = weighFour(x, qw, sigma2, b, blocks), src = x + (<usize>b << 7);
    fitAffineFour(count, 32, 31, src, WEIGHTS, CODES, SCALES, MINS, -0.9, 0.05, 36, false);
    for (let k = 0; k < count; k++) {
      const dst = out + <usize>(b + k) * Q5_1_BYTES, L = CODES + <usize>(32 * k);
      storeF16(dst, load<f32>(SCALES + (<usize>k << 2)));
      storeF16(dst + 2, -load<f32>(MINS + (<usize>k << 2)));
      packFive(L, dst + 4);
    }
  }
}

/** Codes q, d and the offset m, for the dot-product packer. */
export function unpackQ5_1(block: usize): void {
  const qh = load<u32>(block + 4);
  for (let j = 0; j < 16; j++) {
    const q = <i32>load<u8>(block + 8 + <usize>j);
    setCode(j, (q & 0xf) | <i32>(((qh >> j) & 1) << 4));
    setCode(j + 16, (q >> 4) | <i32>(((qh >> (j + 16)) & 1) << 4));
  }
  setD(0, loadF16(block), loadF16(block + 2));
}
