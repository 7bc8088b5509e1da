// Q8_1: blocks of 32 values: fp16 scale d, fp16 s = d * (sum of the codes), 32 int8 codes; the
// activation format that Q4_1 and Q5_1 dot products take. ggml's reference quantizer is Q8_0's plus
// the sum; ggml has no dequantizer for it, so x = q * d here.
import { dequantizeQ8, quantizeQ8 } from "./q8_0";

export const Q8_1_BLOCK = 32;
export const Q8_1_BYTES = 36;

export function quantizeQ8_1(x: usize, out: usize, blocks: i32): void {
  quantizeQ8(x, out, blocks, Q8_1_BYTES, 4, true);
}

export function dequantizeQ8_1(src: usize, y: usize, blocks: i32): void {
  dequantizeQ8(src, y, blocks, Q8_1_BYTES, 4);
}
