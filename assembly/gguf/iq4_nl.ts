// IQ4_NL: blocks of 32 values: fp16 d, then 16 bytes of 4-bit indices into a fixed non-linear
// codebook (value j low nibble, j + 16 high nibble); x = d * codebook[index].
import { loadF16 } from "./common";

export const IQ4_NL_BYTES = 18;

// The IQ4_NL / IQ4_XS codebook (ggml's kvalues_iq4nl).
export const IQ4_CODEBOOK: StaticArray<i8> = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113];

/** 32 values from 16 bytes of codebook indices, scaled by d. */
// @ts-ignore: decorator
@inline export function dequantizeIq4Run(q: usize, d: f32, out: usize): void {
  for (let j = 0; j < 16; j++) {
    const c = <i32>load<u8>(q + <usize>j);
    store<f32>(out + (<usize>j << 2), d * <f32>unchecked(IQ4_CODEBOOK[c & 0xf]));
    store<f32>(out + (<usize>(j + 16) << 2), d * <f32>unchecked(IQ4_CODEBOOK[c >> 4]));
  }
}

export function dequantizeIQ4_NL(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ4_NL_BYTES;
    dequantizeIq4Run(block + 2, loadF16(block), y + (<usize>b << 7));
  }
}
