// Q1_0: blocks of 128 values: fp16 d, then 16 bytes of sign bits (bit j % 8 of byte j / 8 for value
// j); x = bit ? d : -d. ggml's quantizer (with or without importance weights): d = mean |x|, bit = x >= 0.
import { loadF16, storeF16 } from "./common";
import { setCode, setD } from "./unpacked";

export const Q1_0_BYTES = 18;

export function quantizeQ1_0(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 9), dst = out + <usize>b * Q1_0_BYTES;
    let sum: f32 = 0;
    for (let j = 0; j < 128; j++) sum += abs(load<f32>(src + (<usize>j << 2)));
    storeF16(dst, sum / 128);
    for (let k = 0; k < 16; k++) {
      let bits = 0;
      for (let j = 0; j < 8; j++) bits |= i32(load<f32>(src + (<usize>(8 * k + j) << 2)) >= 0) << j;
      store<u8>(dst + 2 + <usize>k, <u8>bits);
    }
  }
}

export function dequantizeQ1_0(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q1_0_BYTES;
    const d = loadF16(block), nd = -d;
    const out = y + (<usize>b << 9);
    if (ASC_FEATURE_SIMD) {
      // Bit j % 8 of byte j / 8 picks d or -d, four lanes at a time.
      const vd = f32x4.splat(d), vn = f32x4.splat(nd);
      for (let j = 0; j < 128; j += 4) {
        const bits = (<u32>load<u8>(block + 2 + <usize>(j >> 3)) >> (j & 7)) & 0xf;
        const set = i32x4.ne(v128.and(i32x4.splat(<i32>bits), i32x4(1, 2, 4, 8)), i32x4.splat(0));
        v128.store(out + (<usize>j << 2), v128.bitselect(vd, vn, set));
      }
      continue;
    }
    for (let j = 0; j < 128; j++) {
      const bit = (<i32>load<u8>(block + 2 + <usize>(j >> 3)) >> (j & 7)) & 1;
      store<f32>(out + (<usize>j << 2), bit ? d : nd);
    }
  }
}

/** Sign bits as indices (the table is -1, +1) and d once per 32 values, for the dot-product packer. */
export function unpackQ1_0(block: usize): void {
  for (let j = 0; j < 128; j++) setCode(j, (<i32>load<u8>(block + 2 + <usize>(j >> 3)) >> (j & 7)) & 1);
  const d = loadF16(block);
  for (let k = 0; k < 4; k++) setD(k, d, 0);
}
