// IQ1_M: super-blocks of 256 values: 32 bytes of grid index low bits (one per 8 values), 16 bytes of
// their high bits and delta signs (a nibble per 8 values: 3 bits, then the sign), 8 bytes of 3-bit
// scales (one per 16 values) whose four spare nibbles hold the fp16 d; x = d * (2 s + 1) *
// (grid lane + delta), delta = +-1/8.
import { reinterpretF16 } from "./common";
import { iq1Lane } from "./grids";
import { setCode, setD, setScale } from "./unpacked";

export const IQ1_M_BYTES = 56;

// @ts-ignore: decorator
@inline function superScale(block: usize): f32 {
  const s = block + 48;
  const bits = (<i32>load<u16>(s) >> 12) | ((<i32>load<u16>(s, 2) >> 8) & 0x00f0) | ((<i32>load<u16>(s, 4) >> 4) & 0x0f00) | (<i32>load<u16>(s, 6) & 0xf000);
  return reinterpretF16(bits);
}

// Scale 2 s + 1 of values 16 k .. 16 k + 15.
// @ts-ignore: decorator
@inline function scale(block: usize, k: i32): i32 {
  return 2 * ((<i32>load<u16>(block + 48 + (<usize>(k >> 2) << 1)) >> (3 * (k & 3))) & 7) + 1;
}

// Grid index and delta nibble of values 8 k .. 8 k + 7.
// @ts-ignore: decorator
@inline function nibble(block: usize, k: i32): i32 {
  return (<i32>load<u8>(block + 32 + <usize>(k >> 1)) >> ((k & 1) << 2)) & 0xf;
}

export function dequantizeIQ1_M(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ1_M_BYTES;
    const d = superScale(block);
    let out = y + (<usize>b << 10);
    for (let k = 0; k < 32; k++) {
      const dl = d * <f32>scale(block, k >> 1);
      const h = nibble(block, k);
      const grid = <i32>load<u8>(block + <usize>k) | ((h & 7) << 8);
      const delta: f32 = h & 8 ? -0.125 : 0.125;
      for (let j = 0; j < 8; j++) {
        store<f32>(out, dl * (<f32>iq1Lane(grid, j) + delta));
        out += 4;
      }
    }
  }
}

/** As IQ1_S's: codes 8 * (grid lane) + delta sign, scales 2 s + 1 per 16 values and d / 8. */
export function unpackIQ1_M(block: usize): void {
  for (let k = 0; k < 32; k++) {
    const h = nibble(block, k);
    const grid = <i32>load<u8>(block + <usize>k) | ((h & 7) << 8);
    for (let j = 0; j < 8; j++) setCode(8 * k + j, 8 * iq1Lane(grid, j) + (h & 8 ? -1 : 1));
  }
  for (let k = 0; k < 16; k++) setScale(k, scale(block, k), 0);
  setD(0, superScale(block) * <f32>0.125, 0);
}
