// Q3_K: super-blocks of 256 values: 32 bytes of high-bit masks, 64 bytes of 2-bit codes, 12 bytes of
// sixteen 6-bit scales (biased by 32), fp16 d last; x = d * (scale - 32) * (q - (high bit ? 0 : 4)).
// Codes are laid out as Q2_K's; bit m of mask byte l belongs to the same value as bit pair m % 4 of
// code byte l of the (m / 4)-th 128 values.
import { loadF16 } from "./common";

export const Q3_K_BYTES = 110;

// The 16 scales: low 4 bits from bytes 0-7, high 2 bits from bytes 8-11.
// @ts-ignore: decorator
@inline function scale(s: usize, i: i32): i32 {
  const low = i < 8 ? <i32>load<u8>(s + <usize>i) & 0xf : <i32>load<u8>(s + <usize>(i - 8)) >> 4;
  const high = (<i32>load<u8>(s + 8 + <usize>(i & 3)) >> ((i >> 2) << 1)) & 3;
  return (low | (high << 4)) - 32;
}

export function dequantizeQ3_K(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q3_K_BYTES;
    const d = loadF16(block + 108);
    const hm = block, scales = block + 96;
    let out = y + (<usize>b << 10);
    let is = 0, m = 1;
    for (let n = 0; n < 2; n++) {
      const q = block + 32 + <usize>n * 32;
      for (let shift = 0; shift < 8; shift += 2) {
        for (let half = 0; half < 2; half++) {
          const dl = d * <f32>scale(scales, is);
          is++;
          for (let l = 0; l < 16; l++) {
            const at = <usize>(half * 16 + l);
            const c = ((<i32>load<u8>(q + at) >> shift) & 3) - (<i32>load<u8>(hm + at) & m ? 0 : 4);
            store<f32>(out, dl * <f32>c);
            out += 4;
          }
        }
        m <<= 1;
      }
    }
  }
}
