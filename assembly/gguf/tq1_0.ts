// TQ1_0: super-blocks of 256 ternary values: 48 bytes holding 5 trits each, 4 bytes holding 4 trits
// each, then fp16 d; x = (t - 1) * d. Trit n of a byte q is the top base-3 digit of the byte
// q * 3^n (mod 256), read as (q * 3^n mod 256) * 3 >> 8.
import { loadF16 } from "./common";

export const TQ1_0_BYTES = 54;

// @ts-ignore: decorator
@inline function trit(q: i32, pow3: i32): i32 {
  return (((q * pow3) & 0xff) * 3) >> 8;
}

export function dequantizeTQ1_0(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * TQ1_0_BYTES;
    const d = loadF16(block + 52);
    let out = y + (<usize>b << 10);
    // Bytes 0-31 give 5 x 32 values, bytes 32-47 give 5 x 16, bytes 48-51 give 4 x 4.
    for (let n = 0, p = 1; n < 5; n++, p *= 3) {
      for (let m = 0; m < 32; m++) {
        store<f32>(out, <f32>(trit(<i32>load<u8>(block + <usize>m), p) - 1) * d);
        out += 4;
      }
    }
    for (let n = 0, p = 1; n < 5; n++, p *= 3) {
      for (let m = 0; m < 16; m++) {
        store<f32>(out, <f32>(trit(<i32>load<u8>(block + 32 + <usize>m), p) - 1) * d);
        out += 4;
      }
    }
    for (let n = 0, p = 1; n < 4; n++, p *= 3) {
      for (let m = 0; m < 4; m++) {
        store<f32>(out, <f32>(trit(<i32>load<u8>(block + 48 + <usize>m), p) - 1) * d);
        out += 4;
      }
    }
  }
}
