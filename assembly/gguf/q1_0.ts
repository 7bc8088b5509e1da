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
      // Bit j of a 32-bit word picks d or -d, by moving it to the sign bit: lane i holds the word
      // shifted left by 3 - i, so shifting all four lanes by 28 - 4k puts bits 4k .. 4k + 3 there;
      // flipping -d's sign where the bit is set gives d (the same bits as the select).
      const vn = f32x4.splat(nd), sign = i32x4.splat(0x80000000);
      for (let w = 0; w < 4; w++) {
        const L = i32x4.mul(i32x4.splat(load<i32>(block + 2 + (<usize>w << 2))), i32x4(8, 4, 2, 1));
        const o = out + (<usize>w << 7);
        v128.store(o, v128.xor(vn, v128.and(i32x4.shl(L, 28), sign)));
        v128.store(o, v128.xor(vn, v128.and(i32x4.shl(L, 24), sign)), 16);
        v128.store(o, v128.xor(vn, v128.and(i32x4.shl(L, 20), sign)), 32);
        v128.store(o, v128.xor(vn, v128.and(i32x4.shl(L, 16), sign)), 48);
        v128.store(o, v128.xor(vn, v128.and(i32x4.shl(L, 12), sign)), 64);
        v128.store(o, v128.xor(vn, v128.and(i32x4.shl(L, 8), sign)), 80);
        v128.store(o, v128.xor(vn, v128.and(i32x4.shl(L, 4), sign)), 96);
        v128.store(o, v128.xor(vn, v128.and(L, sign)), 112);
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
