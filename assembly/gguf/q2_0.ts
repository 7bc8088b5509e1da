// Q2_0: blocks of 64 values: fp16 d, then 16 bytes of 2-bit codes (bits 2 (j % 4) of byte j / 4 for
// value j); x = (q - 1) * d. ggml's reference quantizer: d = max |x|, q = clamp(round(x / d), -1, 2) + 1.
import { absMax, bitPairs, byteConst, castInt, loadF16, roundAway, storeF16, storeScaled16 } from "./common";
import { setCode, setD } from "./unpacked";

export const Q2_0_BYTES = 18;

export function quantizeQ2_0(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 8), dst = out + <usize>b * Q2_0_BYTES;
    const d = absMax(src, 64);
    const id: f32 = d != 0 ? 1 / d : 0;
    storeF16(dst, d);
    for (let k = 0; k < 16; k++) {
      let q = 0;
      for (let j = 0; j < 4; j++) {
        const l = max(-1, min(2, castInt(roundAway(load<f32>(src + (<usize>(4 * k + j) << 2)) * id)))) + 1;
        q |= l << (2 * j);
      }
      store<u8>(dst + 2 + <usize>k, <u8>q);
    }
  }
}

export function dequantizeQ2_0(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q2_0_BYTES;
    const d = loadF16(block);
    const out = y + (<usize>b << 8);
    if (ASC_FEATURE_SIMD) {
      // Bit pair l of byte m is value 4 m + l: the four pairs apart, then interleaved back into order.
      const v = v128.load(block, 2), one = byteConst(1), vd = f32x4.splat(d);
      const c0 = v128.and(v, byteConst(3)), c1 = bitPairs(v, 2);
      const c2 = bitPairs(v, 4), c3 = bitPairs(v, 6);
      const lo01 = i8x16.shuffle(c0, c1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      const lo23 = i8x16.shuffle(c2, c3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      const hi01 = i8x16.shuffle(c0, c1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      const hi23 = i8x16.shuffle(c2, c3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      storeScaled16(out, i8x16.sub(i8x16.shuffle(lo01, lo23, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), one), vd);
      storeScaled16(out + 64, i8x16.sub(i8x16.shuffle(lo01, lo23, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), one), vd);
      storeScaled16(out + 128, i8x16.sub(i8x16.shuffle(hi01, hi23, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), one), vd);
      storeScaled16(out + 192, i8x16.sub(i8x16.shuffle(hi01, hi23, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), one), vd);
      continue;
    }
    for (let j = 0; j < 64; j++) {
      const q = (<i32>load<u8>(block + 2 + <usize>(j >> 2)) >> ((j & 3) * 2)) & 3;
      store<f32>(out + (<usize>j << 2), <f32>(q - 1) * d);
    }
  }
}

/** 2-bit indices (the table is q - 1) and d once per 32 values, for the dot-product packer. */
export function unpackQ2_0(block: usize): void {
  for (let j = 0; j < 64; j++) setCode(j, (<i32>load<u8>(block + 2 + <usize>(j >> 2)) >> ((j & 3) * 2)) & 3);
  const d = loadF16(block);
  setD(0, d, 0);
  setD(1, d, 0);
}
