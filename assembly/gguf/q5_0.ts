// Q5_0: blocks of 32 values: fp16 scale d, 32 high bits qh (bit j for value j), 16 bytes of low
// nibbles (value j low, value j + 16 high); x = (q - 16) * d. ggml's reference quantizer takes the
// value m of largest magnitude, d = m / -16, q = min(31, trunc(x / d + 16.5)).
import { byteConst, castInt, fifthBitMask, fifthBits16, highNibbles, loadF16, lowNibbles, packNibbles, signedMax, storeF16, storeScaled16, truncCodes16 } from "./common";
import { CODES, fitSymmetricFour, SCALES, sumSquares, WEIGHTS, weighFour } from "./fit";
import { setCode, setD } from "./unpacked";

export const Q5_0_BLOCK = 32;
export const Q5_0_BYTES = 22;

export function quantizeQ5_0(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + <usize>b * (Q5_0_BLOCK << 2);
    const dst = out + <usize>b * Q5_0_BYTES;
    const d: f32 = signedMax(src, Q5_0_BLOCK) / -16;
    const id: f32 = d != 0 ? 1 / d : 0;
    storeF16(dst, d);
    if (ASC_FEATURE_SIMD && abs(id) < Infinity) {
      // |x * id| <= 16 (+ rounding): codes 0 .. 32 before the cap.
      const vid = f32x4.splat(id), bias = f32x4.splat(16.5), top = i8x16.splat(31);
      const c0 = i8x16.min_u(truncCodes16(src, vid, vid, bias, false), top);
      const c1 = i8x16.min_u(truncCodes16(src + 64, vid, vid, bias, false), top);
      store<u32>(dst + 2, fifthBitMask(c0) | (fifthBitMask(c1) << 16));
      v128.store(dst + 6, packNibbles(lowNibbles(c0), lowNibbles(c1)));
      continue;
    }
    let qh: u32 = 0;
    for (let j = 0; j < 16; j++) {
      const q0 = min(31, <i32><i8>castInt(load<f32>(src + (<usize>j << 2)) * id + 16.5));
      const q1 = min(31, <i32><i8>castInt(load<f32>(src + (<usize>(j + 16) << 2)) * id + 16.5));
      store<u8>(dst + 6 + <usize>j, (q0 & 0xf) | ((q1 & 0xf) << 4));
      qh |= (<u32>(q0 & 0x10) >> 4) << j;
      qh |= (<u32>(q1 & 0x10) >> 4) << (j + 16);
    }
    store<u32>(dst + 2, qh);
  }
}

export function dequantizeQ5_0(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q5_0_BYTES;
    const out = y + <usize>b * (Q5_0_BLOCK << 2);
    const d = loadF16(block);
    const qh = load<u32>(block + 2);
    if (ASC_FEATURE_SIMD) {
      const v = v128.load(block + 6), vd = f32x4.splat(d), sixteen = byteConst(16);
      storeScaled16(out, i8x16.sub(v128.or(lowNibbles(v), fifthBits16(qh)), sixteen), vd);
      storeScaled16(out + 64, i8x16.sub(v128.or(highNibbles(v), fifthBits16(qh >> 16)), sixteen), vd);
      continue;
    }
    for (let j = 0; j < 16; j++) {
      const q = <i32>load<u8>(block + 6 + <usize>j);
      const h0 = <i32>((qh >> j) << 4) & 0x10;
      const h1 = <i32>(qh >> (j + 12)) & 0x10;
      store<f32>(out + (<usize>j << 2), <f32>(((q & 0xf) | h0) - 16) * d);
      store<f32>(out + (<usize>(j + 16) << 2), <f32>(((q >> 4) | h1) - 16) * d);
    }
  }
}

// ggml's importance-weighted quantizer for one row of n values: a symmetric fit per block.
export function quantizeQ5_0Weighted(x: usize, out: usize, n: i32, qw: usize): void {
  const sigma2: f32 = sumSquares(x, n) / <f32>n;
  const blocks = n >> 5;
  for (let b = 0; b < blocks; b += 4) {
    const count = weighFour(x, qw, sigma2, b, blocks), src = x + (<usize>b << 7);
    fitSymmetricFour(count, 32, 16, src, CODES, WEIGHTS, SCALES);
    for (let k = 0; k < count; k++) {
      const dst = out + <usize>(b + k) * Q5_0_BYTES, L = CODES + <usize>(32 * k);
      storeF16(dst, load<f32>(SCALES + (<usize>k << 2)));
      packFive(L, dst + 2);
    }
  }
}

/** 32 five-bit codes as 32 high bits then 16 bytes of nibbles (value j low, j + 16 high). Q5_1 too. */
export function packFive(L: usize, dst: usize): void {
  let qh: u32 = 0;
  for (let j = 0; j < 16; j++) {
    const q0 = <u32>load<u8>(L + <usize>j), q1 = <u32>load<u8>(L + <usize>(j + 16));
    store<u8>(dst + 4 + <usize>j, <u8>((q0 & 0xf) | ((q1 & 0xf) << 4)));
    qh |= ((q0 & 0x10) >> 4) << j;
    qh |= ((q1 & 0x10) >> 4) << (j + 16);
  }
  store<u32>(dst, qh);
}

/** Codes q (the packer's affine table makes them q - 16) and d, for the dot-product packer. */
export function unpackQ5_0(block: usize): void {
  const qh = load<u32>(block + 2);
  for (let j = 0; j < 16; j++) {
    const q = <i32>load<u8>(block + 6 + <usize>j);
    setCode(j, (q & 0xf) | <i32>(((qh >> j) & 1) << 4));
    setCode(j + 16, (q >> 4) | <i32>(((qh >> (j + 16)) & 1) << 4));
  }
  setD(0, loadF16(block), 0);
}
