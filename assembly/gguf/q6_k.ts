// Q6_K: super-blocks of 256 values: 128 bytes of low nibbles, 64 bytes of high 2-bit pairs, 16 int8
// scales (one per 16 values), fp16 d last; x = d * scale * (q - 32). Each 128 values use 64 low bytes,
// 32 high bytes and 8 scales: value l, l + 32, l + 64, l + 96 take the low/high nibbles of bytes l and
// l + 32 and bit pairs 0-1, 2-3, 4-5, 6-7 of high byte l.
import { byteConst, loadF16, nearestInt, storeF16, storeScaled16 } from "./common";
import { CODES, fitSymmetricFour, GROUP_MAX_EPS, SCALES } from "./fit";
import { setCode, setD, setScale } from "./unpacked";

export const Q6_K_BYTES = 210;

// Values l .. l + 15 of each of the four 32-value quarters of 128: low nibbles at ql, ql + 32, bit
// pairs at qh, scales at sc, sc + 2, sc + 4, sc + 6.
// @ts-ignore: decorator
@inline function sixtyFour(out: usize, ql: usize, qh: usize, sc: usize, d: f32): void {
  // Masks from memory (see byteConst), bytes shifted as int16 lanes plus a mask (see highNibbles).
  const low = byteConst(0x0f), high = byteConst(0x30), bias = byteConst(32);
  const v1 = v128.load(ql), v2 = v128.load(ql, 32), h = v128.load(qh);
  // Bits 4-5 of each code from h's bit pairs 0-1, 2-3, 4-5, 6-7.
  const q1 = i8x16.sub(v128.or(v128.and(v1, low), v128.and(i16x8.shl(h, 4), high)), bias);
  const q2 = i8x16.sub(v128.or(v128.and(v2, low), v128.and(i16x8.shl(h, 2), high)), bias);
  const q3 = i8x16.sub(v128.or(v128.and(i16x8.shr_u(v1, 4), low), v128.and(h, high)), bias);
  const q4 = i8x16.sub(v128.or(v128.and(i16x8.shr_u(v2, 4), low), v128.and(i16x8.shr_u(h, 2), high)), bias);
  // ggml multiplies d * scale first, then by the code.
  storeScaled16(out, q1, f32x4.splat(d * <f32>load<i8>(sc)));
  storeScaled16(out + 128, q2, f32x4.splat(d * <f32>load<i8>(sc, 2)));
  storeScaled16(out + 256, q3, f32x4.splat(d * <f32>load<i8>(sc, 4)));
  storeScaled16(out + 384, q4, f32x4.splat(d * <f32>load<i8>(sc, 6)));
}

export function dequantizeQ6_K(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q6_K_BYTES;
    const d = loadF16(block + 208);
    for (let n = 0; n < 2; n++) {
      const ql = block + <usize>n * 64, qh = block + 128 + <usize>n * 32, sc = block + 192 + <usize>n * 8;
      const out = y + (<usize>b << 10) + (<usize>n << 9);
      if (ASC_FEATURE_SIMD) {
        // Both 16-value halves written out (as a two-step loop they ran slower).
        sixtyFour(out, ql, qh, sc, d);
        sixtyFour(out + 64, ql + 16, qh + 16, sc + 1, d);
        continue;
      }
      for (let l = 0; l < 32; l++) {
        const is = l >> 4;
        const lo = <i32>load<u8>(ql + <usize>l), lo2 = <i32>load<u8>(ql + 32 + <usize>l), h = <i32>load<u8>(qh + <usize>l);
        const q1 = ((lo & 0xf) | ((h & 3) << 4)) - 32;
        const q2 = ((lo2 & 0xf) | (((h >> 2) & 3) << 4)) - 32;
        const q3 = ((lo >> 4) | (((h >> 4) & 3) << 4)) - 32;
        const q4 = ((lo2 >> 4) | (((h >> 6) & 3) << 4)) - 32;
        store<f32>(out + (<usize>l << 2), d * <f32>load<i8>(sc + <usize>is) * <f32>q1);
        store<f32>(out + (<usize>(l + 32) << 2), d * <f32>load<i8>(sc + <usize>(is + 2)) * <f32>q2);
        store<f32>(out + (<usize>(l + 64) << 2), d * <f32>load<i8>(sc + <usize>(is + 4)) * <f32>q3);
        store<f32>(out + (<usize>(l + 96) << 2), d * <f32>load<i8>(sc + <usize>(is + 6)) * <f32>q4);
      }
    }
  }
}

// ggml's quantizers: per 16 values a symmetric fit weighted by x * x (reference, qw 0) or by the
// importance weights, the 16 scales as int8 against the largest.
export function quantizeQ6_K(x: usize, out: usize, blocks: i32, qw: usize): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * Q6_K_BYTES;
    let maxScale: f32 = 0, maxAbs: f32 = 0;
    for (let j = 0; j < 16; j += 4) {
      fitSymmetricFour(4, 16, 32, src + (<usize>j << 6), CODES + <usize>(16 * j), qw ? qw + (<usize>(256 * b + 16 * j) << 2) : 0, SCALES + (<usize>j << 2));
    }
    for (let j = 0; j < 16; j++) {
      const s = load<f32>(SCALES + (<usize>j << 2));
      if (abs(s) > maxAbs) {
        maxAbs = abs(s);
        maxScale = s;
      }
    }
    if (maxAbs < GROUP_MAX_EPS) {
      memory.fill(dst, 0, Q6_K_BYTES);
      continue;
    }
    const iscale: f32 = -128 / maxScale;
    storeF16(dst + 208, 1 / iscale);
    for (let j = 0; j < 16; j++) store<i8>(dst + 192 + <usize>j, <i8>min(127, nearestInt(iscale * load<f32>(SCALES + (<usize>j << 2)))));
    const d = loadF16(dst + 208);
    for (let j = 0; j < 16; j++) {
      const dl = d * <f32>load<i8>(dst + 192 + <usize>j);
      if (dl == 0) continue;
      for (let i = 0; i < 16; i++) {
        const l = nearestInt(load<f32>(src + (<usize>(16 * j + i) << 2)) / dl);
        store<u8>(CODES + <usize>(16 * j + i), <u8>(max(-32, min(31, l)) + 32));
      }
    }
    for (let h = 0; h < 2; h++) {
      const ql = dst + <usize>(64 * h), qh = dst + 128 + <usize>(32 * h);
      for (let l = 0; l < 32; l++) {
        const c = CODES + <usize>(128 * h + l);
        const q1 = <u32>load<u8>(c), q2 = <u32>load<u8>(c, 32), q3 = <u32>load<u8>(c, 64), q4 = <u32>load<u8>(c, 96);
        store<u8>(ql + <usize>l, <u8>((q1 & 0xf) | ((q3 & 0xf) << 4)));
        store<u8>(ql + 32 + <usize>l, <u8>((q2 & 0xf) | ((q4 & 0xf) << 4)));
        store<u8>(qh + <usize>l, <u8>((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6)));
      }
    }
  }
}

/** Codes q (the packer's affine table makes them q - 32), the int8 scale of every 16 values and d, for the dot-product packer. */
export function unpackQ6_K(block: usize): void {
  for (let n = 0; n < 2; n++) {
    const ql = block + <usize>(64 * n), qh = block + 128 + <usize>(32 * n);
    for (let l = 0; l < 32; l++) {
      const h = <i32>load<u8>(qh + <usize>l);
      const a = <i32>load<u8>(ql + <usize>l), b = <i32>load<u8>(ql + 32 + <usize>l);
      setCode(128 * n + l, (a & 0xf) | ((h & 3) << 4));
      setCode(128 * n + 32 + l, (b & 0xf) | (((h >> 2) & 3) << 4));
      setCode(128 * n + 64 + l, (a >> 4) | (((h >> 4) & 3) << 4));
      setCode(128 * n + 96 + l, (b >> 4) | (((h >> 6) & 3) << 4));
    }
  }
  for (let j = 0; j < 16; j++) setScale(j, <i32>load<i8>(block + 192 + <usize>j), 0);
  setD(0, loadF16(block + 208), 0);
}
