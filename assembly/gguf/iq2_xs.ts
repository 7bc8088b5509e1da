// IQ2_XS: super-blocks of 256 values: fp16 d, 32 16-bit words (a 9-bit grid index and a 7-bit sign
// index per 8 values), then 8 bytes of two 4-bit scales (one per 16 values);
// x = d * (0.5 + s) / 4 * grid lane * sign.
import { loadF16 } from "./common";
import { iq2Lane, IQ2_XS_GRID, signs7 } from "./grids";
import { setCode, setD, setScale } from "./unpacked";

export const IQ2_XS_BYTES = 74;

export function dequantizeIQ2_XS(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ2_XS_BYTES;
    const d = loadF16(block);
    let out = y + (<usize>b << 10);
    for (let ib = 0; ib < 8; ib++) {
      const sc = <i32>load<u8>(block + 66 + <usize>ib);
      for (let l = 0; l < 4; l++) {
        const db: f32 = d * (<f32>0.5 + <f32>(l < 2 ? sc & 0xf : sc >> 4)) * <f32>0.25;
        const w = <i32>load<u16>(block + 2 + (<usize>(4 * ib + l) << 1));
        const s = signs7(w >> 9);
        for (let j = 0; j < 8; j++) {
          store<f32>(out, db * <f32>iq2Lane(IQ2_XS_GRID, w & 511, j) * (s & (1 << j) ? <f32>-1 : <f32>1));
          out += 4;
        }
      }
    }
  }
}

/** Signed grid values, scales 2 s + 1 per 16 values and d / 8, for the dot-product packer. */
export function unpackIQ2_XS(block: usize): void {
  for (let ib = 0; ib < 8; ib++) {
    for (let l = 0; l < 4; l++) {
      const w = <i32>load<u16>(block + 2 + (<usize>(4 * ib + l) << 1));
      const s = signs7(w >> 9);
      for (let j = 0; j < 8; j++) setCode(32 * ib + 8 * l + j, s & (1 << j) ? -iq2Lane(IQ2_XS_GRID, w & 511, j) : iq2Lane(IQ2_XS_GRID, w & 511, j));
    }
    const sc = <i32>load<u8>(block + 66 + <usize>ib);
    setScale(2 * ib, 2 * (sc & 0xf) + 1, 0);
    setScale(2 * ib + 1, 2 * (sc >> 4) + 1, 0);
  }
  setD(0, loadF16(block) * <f32>0.125, 0);
}
