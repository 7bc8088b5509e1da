// Q5_K: super-blocks of 256 values: fp16 d and dmin, 12 bytes of (scale, min) pairs as Q4_K, 32 bytes
// of fifth bits (bit 2i / 2i + 1 of byte l for value l of the 64-value group i, low / high half),
// then 128 bytes of low nibbles laid out as Q4_K's; x = d * scale * q - dmin * min.
import { affine16, byteConst, highNibbles, loadF16, lowNibbles } from "./common";
import { CODES } from "./fit";
import { fitScaleMinK, kMin, kScale } from "./kscale";
import { setCode, setD, setScale } from "./unpacked";

export const Q5_K_BYTES = 176;

// 16 values: nibbles `codes` plus 16 where bit u of the fifth-bit bytes h is set, as d * q - m.
// @ts-ignore: decorator
@inline function fifth16(out: usize, codes: v128, h: v128, u: i32, d: f32, m: f32): void {
  const bit = i8x16.splat(<i8>u);
  affine16(out, i8x16.add(codes, v128.and(i8x16.eq(v128.and(h, bit), bit), byteConst(16))), d, m);
}

// The 64 values of groups i, i + 1 (i even): nibbles at ql, fifth bits 1 << i and 2 << i of qh.
// @ts-ignore: decorator
@inline function sixtyFour(out: usize, ql: usize, qh: usize, scales: usize, i: i32, d: f32, dmin: f32): void {
  const d1 = d * <f32>kScale(scales, i), m1 = dmin * <f32>kMin(scales, i);
  const d2 = d * <f32>kScale(scales, i + 1), m2 = dmin * <f32>kMin(scales, i + 1);
  const v0 = v128.load(ql), v1 = v128.load(ql, 16), h0 = v128.load(qh), h1 = v128.load(qh, 16);
  fifth16(out, lowNibbles(v0), h0, 1 << i, d1, m1);
  fifth16(out + 64, lowNibbles(v1), h1, 1 << i, d1, m1);
  fifth16(out + 128, highNibbles(v0), h0, 2 << i, d2, m2);
  fifth16(out + 192, highNibbles(v1), h1, 2 << i, d2, m2);
}

export function dequantizeQ5_K(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q5_K_BYTES;
    const d = loadF16(block), dmin = loadF16(block + 2);
    const scales = block + 4, qh = block + 16;
    let ql = block + 48;
    let out = y + (<usize>b << 10);
    if (ASC_FEATURE_SIMD) {
      // The four 64-value steps written out, so that scale indices and bits are constants.
      sixtyFour(out, ql, qh, scales, 0, d, dmin);
      sixtyFour(out + 256, ql + 32, qh, scales, 2, d, dmin);
      sixtyFour(out + 512, ql + 64, qh, scales, 4, d, dmin);
      sixtyFour(out + 768, ql + 96, qh, scales, 6, d, dmin);
      continue;
    }
    let u1 = 1, u2 = 2;
    for (let i = 0; i < 8; i += 2) {
      const d1 = d * <f32>kScale(scales, i), m1 = dmin * <f32>kMin(scales, i);
      const d2 = d * <f32>kScale(scales, i + 1), m2 = dmin * <f32>kMin(scales, i + 1);
      for (let l = 0; l < 32; l++) {
        const c = <i32>load<u8>(ql + <usize>l), h = <i32>load<u8>(qh + <usize>l);
        store<f32>(out + (<usize>l << 2), d1 * <f32>((c & 0xf) + (h & u1 ? 16 : 0)) - m1);
        store<f32>(out + (<usize>(l + 32) << 2), d2 * <f32>((c >> 4) + (h & u2 ? 16 : 0)) - m2);
      }
      ql += 32;
      out += 256;
      u1 <<= 2;
      u2 <<= 2;
    }
  }
}

// ggml's quantizers, reference (qw 0) or importance-weighted (qw: one weight per value of the block).
export function quantizeQ5_K(x: usize, out: usize, blocks: i32, qw: usize): void {
  for (let b = 0; b < blocks; b++) {
    const dst = out + <usize>b * Q5_K_BYTES;
    fitScaleMinK(x + (<usize>b << 10), dst, 31, qw ? qw + (<usize>b << 10) : 0, -0.5, 0.1, 15);
    const qh = dst + 16;
    memory.fill(qh, 0, 32);
    for (let j = 0; j < 4; j++) {
      for (let l = 0; l < 32; l++) {
        const c = CODES + <usize>(64 * j + l);
        let l1 = <u32>load<u8>(c), l2 = <u32>load<u8>(c, 32);
        let h = <u32>load<u8>(qh + <usize>l);
        if (l1 > 15) {
          l1 -= 16;
          h |= 1 << (2 * j);
        }
        if (l2 > 15) {
          l2 -= 16;
          h |= 2 << (2 * j);
        }
        store<u8>(qh + <usize>l, <u8>h);
        store<u8>(dst + 48 + <usize>(32 * j + l), <u8>(l1 | (l2 << 4)));
      }
    }
  }
}

/** 5-bit codes, the scale and min of every 16 values, d and dmin, for the dot-product packer. */
export function unpackQ5_K(block: usize): void {
  for (let i = 0; i < 4; i++) {
    for (let l = 0; l < 32; l++) {
      const q = <i32>load<u8>(block + 48 + <usize>(32 * i + l)), h = <i32>load<u8>(block + 16 + <usize>l);
      setCode(64 * i + l, (q & 0xf) | (((h >> (2 * i)) & 1) << 4));
      setCode(64 * i + 32 + l, (q >> 4) | (((h >> (2 * i + 1)) & 1) << 4));
    }
  }
  for (let j = 0; j < 16; j++) setScale(j, kScale(block + 4, j >> 1), kMin(block + 4, j >> 1));
  setD(0, loadF16(block), loadF16(block + 2));
}
