// Q2_K: super-blocks of 256 values: 16 bytes of 4-bit (scale, min) pairs (one per 16 values), 64 bytes
// of 2-bit codes, fp16 d and dmin last; x = d * scale * q - dmin * min. Each 128 values use 32 code
// bytes: bit pair s of byte l holds value 32 s + l.
import { loadF16 } from "./common";

export const Q2_K_BYTES = 84;

export function dequantizeQ2_K(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q2_K_BYTES;
    const d = loadF16(block + 80), dmin = loadF16(block + 82);
    let out = y + (<usize>b << 10);
    let is = 0;
    for (let n = 0; n < 2; n++) {
      const q = block + 16 + <usize>n * 32;
      for (let shift = 0; shift < 8; shift += 2) {
        for (let half = 0; half < 2; half++) {
          const sc = <i32>load<u8>(block + <usize>is);
          is++;
          const dl = d * <f32>(sc & 0xf), ml = dmin * <f32>(sc >> 4);
          for (let l = 0; l < 16; l++) {
            store<f32>(out, dl * <f32>((<i32>load<u8>(q + <usize>(half * 16 + l)) >> shift) & 3) - ml);
            out += 4;
          }
        }
      }
    }
  }
}
