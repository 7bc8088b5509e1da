// Q4_K: super-blocks of 256 values: fp16 d and dmin, 12 bytes of eight 6-bit (scale, min) pairs, then
// 128 bytes of 4-bit codes. Each 64 values share 32 bytes: the first 32 values in the low nibbles
// (pair 2i), the next 32 in the high nibbles (pair 2i + 1); x = d * scale * q - dmin * min.
import { affine16, highNibbles, loadF16, lowNibbles } from "./common";
import { CODES } from "./fit";
import { fitScaleMinK, kMin, kScale } from "./kscale";
import { setCode, setD, setScale } from "./unpacked";

export const Q4_K_BYTES = 144;

// The 64 values of groups i, i + 1 (i even) from the 32 nibble bytes at q.
// @ts-ignore: decorator
@inline function sixtyFour(out: usize, q: usize, scales: usize, i: i32, d: f32, dmin: f32): void {
  const d1 = d * <f32>kScale(scales, i), m1 = dmin * <f32>kMin(scales, i);
  const d2 = d * <f32>kScale(scales, i + 1), m2 = dmin * <f32>kMin(scales, i + 1);
  const v = v128.load(q), w = v128.load(q, 16);
  affine16(out, lowNibbles(v), d1, m1);
  affine16(out + 64, lowNibbles(w), d1, m1);
  affine16(out + 128, highNibbles(v), d2, m2);
  affine16(out + 192, highNibbles(w), d2, m2);
}

export function dequantizeQ4_K(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q4_K_BYTES;
    const d = loadF16(block), dmin = loadF16(block + 2);
    const scales = block + 4;
    let q = block + 16;
    let out = y + (<usize>b << 10);
    if (ASC_FEATURE_SIMD) {
      // The four 64-value steps written out, so that the scale indices are constants.
      sixtyFour(out, q, scales, 0, d, dmin);
      sixtyFour(out + 256, q + 32, scales, 2, d, dmin);
      sixtyFour(out + 512, q + 64, scales, 4, d, dmin);
      sixtyFour(out + 768, q + 96, scales, 6, d, dmin);
      continue;
    }
    for (let i = 0; i < 8; i += 2) {
      const d1 = d * <f32>kScale(scales, i), m1 = dmin * <f32>kMin(scales, i);
      const d2 = d * <f32>kScale(scales, i + 1), m2 = dmin * <f32>kMin(scales, i + 1);
      for (let l = 0; l < 32; l++) {
        const c = <i32>load<u8>(q + <usize>l);
        store<f32>(out + (<usize>l << 2), d1 * <f32>(c & 0xf) - m1);
        store<f32>(out + (<usize>(l + 32) << 2), d2 * <f32>(c >> 4) - m2);
      }
      q += 32;
      out += 256;
    }
  }
}

// ggml's quantizers, reference (qw 0) or importance-weighted (qw: one weight per value of the block).
export function quantizeQ4_K(x: usize, out: usize, blocks: i32, qw: usize): void {
  for (let b = 0; b < blocks; b++) {
    const dst = out + <usize>b * Q4_K_BYTES;
    fitScaleMinK(x + (<usize>b << 10), dst, 15, qw ? qw + (<usize>b << 10) : 0, -1, 0.1, 20);
    for (let j = 0; j < 4; j++) {
      for (let l = 0; l < 32; l++) {
        const c = CODES + <usize>(64 * j + l);
        store<u8>(dst + 16 + <usize>(32 * j + l), load<u8>(c) | (load<u8>(c, 32) << 4));
      }
    }
  }
}

/** 4-bit codes, the scale and min of every 16 values (each 32 share one pair), d and dmin, for the dot-product packer. */
export function unpackQ4_K(block: usize): void {
  for (let i = 0; i < 4; i++) {
    // Nibbles of 32 bytes: the low ones are values 64 i + l, the high ones 64 i + 32 + l.
    for (let h = 0; h < 2; h++) setNibbleCodesWide(block + 16 + <usize>(32 * i), 64 * i, h);
  }
  for (let j = 0; j < 16; j++) setScale(j, kScale(block + 4, j >> 1), kMin(block + 4, j >> 1));
  setD(0, loadF16(block), loadF16(block + 2));
}

// 32 bytes of nibbles: half 0 gives values at..at+31 from the low nibbles, half 1 at+32.. from the high.
// @ts-ignore: decorator
@inline function setNibbleCodesWide(q: usize, at: i32, half: i32): void {
  for (let l = 0; l < 32; l++) setCode(at + 32 * half + l, (<i32>load<u8>(q + <usize>l) >> (4 * half)) & 0xf);
}
