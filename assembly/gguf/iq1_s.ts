// IQ1_S: super-blocks of 256 values: fp16 d, 32 bytes of grid index low bits (one per 8 values),
// then per 32 values a 16-bit word: the indices' high bits (3 per 8 values), a 3-bit scale s and a
// delta sign; x = d * (2 s + 1) * (grid lane + delta), delta = +-1/8.
import { loadF16 } from "./common";
import { iq1Lane } from "./grids";
import { setCode, setD, setScale } from "./unpacked";

export const IQ1_S_BYTES = 50;

export function dequantizeIQ1_S(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ1_S_BYTES;
    const d = loadF16(block);
    let out = y + (<usize>b << 10);
    for (let ib = 0; ib < 8; ib++) {
      const qh = <i32>load<u16>(block + 34 + (<usize>ib << 1));
      const dl = d * <f32>(((qh >> 12) & 7) * 2 + 1);
      const delta: f32 = qh & 0x8000 ? -0.125 : 0.125;
      for (let l = 0; l < 4; l++) {
        const grid = <i32>load<u8>(block + 2 + <usize>(4 * ib + l)) | (((qh >> (3 * l)) & 7) << 8);
        for (let j = 0; j < 8; j++) {
          store<f32>(out, dl * (<f32>iq1Lane(grid, j) + delta));
          out += 4;
        }
      }
    }
  }
}

/**
 * For the dot-product packer: codes 8 * (grid lane) + delta sign (8 times the value, so that the
 * delta stays an integer), scales 2 s + 1 and d / 8.
 */
export function unpackIQ1_S(block: usize): void {
  for (let ib = 0; ib < 8; ib++) {
    const qh = <i32>load<u16>(block + 34 + (<usize>ib << 1));
    const delta = qh & 0x8000 ? -1 : 1;
    for (let l = 0; l < 4; l++) {
      const grid = <i32>load<u8>(block + 2 + <usize>(4 * ib + l)) | (((qh >> (3 * l)) & 7) << 8);
      for (let j = 0; j < 8; j++) setCode(32 * ib + 8 * l + j, 8 * iq1Lane(grid, j) + delta);
    }
    const ls = 2 * ((qh >> 12) & 7) + 1;
    setScale(2 * ib, ls, 0);
    setScale(2 * ib + 1, ls, 0);
  }
  setD(0, loadF16(block) * <f32>0.125, 0);
}
