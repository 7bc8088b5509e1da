// Q8_1: blocks of 32 values: fp16 scale d, fp16 s = d * (sum of the codes), 32 int8 codes; the
// activation format that Q4_1 and Q5_1 dot products take. ggml's reference quantizer is Q8_0's plus
// the sum; ggml has no dequantizer for it, so x = q * d here.
import { loadF16, storeScaled16 } from "./common";
import { quantizeQ8 } from "./q8_0";

export const Q8_1_BLOCK = 32;
export const Q8_1_BYTES = 36;

export function quantizeQ8_1(x: usize, out: usize, blocks: i32): void {
  quantizeQ8(x, out, blocks, Q8_1_BYTES, 4, true);
}

export function dequantizeQ8_1(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q8_1_BYTES;
    const out = y + <usize>b * (Q8_1_BLOCK << 2);
    const d = loadF16(block);
    if (ASC_FEATURE_SIMD) {
      const vd = f32x4.splat(d);
      storeScaled16(out, v128.load(block + 4), vd);
      storeScaled16(out + 64, v128.load(block + 20), vd);
      continue;
    }
    for (let j = 0; j < Q8_1_BLOCK; j++) store<f32>(out + (<usize>j << 2), <f32>load<i8>(block + 4 + <usize>j) * d);
  }
}
