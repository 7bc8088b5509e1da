// IQ2_S: super-blocks of 256 values: fp16 d, 32 bytes of grid index low bits, 32 bytes of sign bits
// (one byte per 8 values), 8 bytes of grid index high bits (2 per 8 values), 8 bytes of two 4-bit
// scales (one per 16 values); x = d * (0.5 + s) / 4 * grid lane * sign.
import { loadF16 } from "./common";
import { iq2Lane, IQ2_S_GRID } from "./grids";
import { setCode, setD, setScale } from "./unpacked";

export const IQ2_S_BYTES = 82;

// @ts-ignore: decorator
@inline function gridIndex(block: usize, k: i32): i32 {
  return <i32>load<u8>(block + 2 + <usize>k) | ((<i32>load<u8>(block + 66 + <usize>(k >> 2)) << (8 - 2 * (k & 3))) & 0x300);
}

export function dequantizeIQ2_S(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ2_S_BYTES;
    const d = loadF16(block);
    let out = y + (<usize>b << 10);
    for (let ib = 0; ib < 8; ib++) {
      const sc = <i32>load<u8>(block + 74 + <usize>ib);
      for (let l = 0; l < 4; l++) {
        const dl: f32 = d * (<f32>0.5 + <f32>(l < 2 ? sc & 0xf : sc >> 4)) * <f32>0.25;
        const k = 4 * ib + l, grid = gridIndex(block, k), s = <i32>load<u8>(block + 34 + <usize>k);
        for (let j = 0; j < 8; j++) {
          store<f32>(out, dl * <f32>iq2Lane(IQ2_S_GRID, grid, j) * (s & (1 << j) ? <f32>-1 : <f32>1));
          out += 4;
        }
      }
    }
  }
}

/** Signed grid values, scales 2 s + 1 per 16 values and d / 8, for the dot-product packer. */
export function unpackIQ2_S(block: usize): void {
  for (let k = 0; k < 32; k++) {
    const grid = gridIndex(block, k), s = <i32>load<u8>(block + 34 + <usize>k);
    for (let j = 0; j < 8; j++) setCode(8 * k + j, s & (1 << j) ? -iq2Lane(IQ2_S_GRID, grid, j) : iq2Lane(IQ2_S_GRID, grid, j));
  }
  for (let ib = 0; ib < 8; ib++) {
    const sc = <i32>load<u8>(block + 74 + <usize>ib);
    setScale(2 * ib, 2 * (sc & 0xf) + 1, 0);
    setScale(2 * ib + 1, 2 * (sc >> 4) + 1, 0);
  }
  setD(0, loadF16(block) * <f32>0.125, 0);
}
