// Q5_K: super-blocks of 256 values: fp16 d and dmin, 12 bytes of (scale, min) pairs as Q4_K, 32 bytes
// of fifth bits (bit 2i / 2i + 1 of byte l for value l of the 64-value group i, low / high half),
// then 128 bytes of low nibbles laid out as Q4_K's; x = d * scale * q - dmin * min.
import { affine16, byteConst, highNibbles, loadF16, lowNibbles } from "./common";
import { CODES } from "./fit";
import { fitScaleMinK, kMin, kScale } from "./kscale";
import { setCode, setD, setScale } from "./unpacked";

export const Q5_K_BYTES = 176;

export function dequantizeQ5_K(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q5_K_BYTES;
    const d = loadF16(block), dmin = loadF16(block + 2);
    const scales = block + 4, qh = block + 16;
    let ql = block + 48;
    let out = y + (<usize>b << 10);
    let u1 = 1, u2 = 2;
    for (let i = 0; i < 8; i += 2) {
      const d1 = d * <f32>kScale(scales, i), m1 = dmin * <f32>kMin(scales, i);
      const d2 = d * <f32>kScale(scales, i + 1), m2 = dmin * <f32>kMin(scales, i + 1);
      if (ASC_FEATURE_SIMD) {
        const sixteen = byteConst(16), zero = i8x16.splat(0);
        for (let l = 0; l < 32; l += 16) {
          const v = v128.load(ql + <usize>l), h = v128.load(qh + <usize>l);
          // The fifth bit: 16 where (h & u) != 0.
          const h1 = v128.and(i8x16.ne(v128.and(h, i8x16.splat(<i8>u1)), zero), sixteen);
          const h2 = v128.and(i8x16.ne(v128.and(h, i8x16.splat(<i8>u2)), zero), sixteen);
          affine16(out + (<usize>l << 2), i8x16.add(lowNibbles(v), h1), d1, m1);
          affine16(out + (<usize>(l + 32) << 2), i8x16.add(highNibbles(v), h2), d2, m2);
        }
        ql += 32;
        out += 256;
        u1 <<= 2;
        u2 <<= 2;
        continue;
      }
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
