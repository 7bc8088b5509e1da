// IQ2_XXS: super-blocks of 256 values: fp16 d, then per 32 values 8 bytes: four grid indices (one
// per 8 values) and a 32-bit word of four 7-bit sign indices and a 4-bit scale s (top bits);
// x = d * (0.5 + s) / 4 * grid lane * sign.
import { loadF16 } from "./common";
import { iq2Lane, IQ2_XXS_GRID, signs7 } from "./grids";
import { setCode, setD, setScale } from "./unpacked";

export const IQ2_XXS_BYTES = 66;

export function dequantizeIQ2_XXS(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ2_XXS_BYTES;
    const d = loadF16(block);
    let out = y + (<usize>b << 10);
    for (let ib = 0; ib < 8; ib++) {
      const q = block + 2 + (<usize>ib << 3);
      const aux = load<u32>(q, 4);
      const db: f32 = d * (<f32>0.5 + <f32>(aux >> 28)) * <f32>0.25;
      for (let l = 0; l < 4; l++) {
        const grid = <i32>load<u8>(q + <usize>l), s = signs7(<i32>(aux >> (7 * l)) & 127);
        for (let j = 0; j < 8; j++) {
          store<f32>(out, db * <f32>iq2Lane(IQ2_XXS_GRID, grid, j) * (s & (1 << j) ? <f32>-1 : <f32>1));
          out += 4;
        }
      }
    }
  }
}

/** Signed grid values, scales 2 s + 1 and d / 8, for the dot-product packer. */
export function unpackIQ2_XXS(block: usize): void {
  for (let ib = 0; ib < 8; ib++) {
    const q = block + 2 + (<usize>ib << 3);
    const aux = load<u32>(q, 4);
    for (let l = 0; l < 4; l++) {
      const grid = <i32>load<u8>(q + <usize>l), s = signs7(<i32>(aux >> (7 * l)) & 127);
      for (let j = 0; j < 8; j++) setCode(32 * ib + 8 * l + j, s & (1 << j) ? -iq2Lane(IQ2_XXS_GRID, grid, j) : iq2Lane(IQ2_XXS_GRID, grid, j));
    }
    const ls = 2 * <i32>(aux >> 28) + 1;
    setScale(2 * ib, ls, 0);
    setScale(2 * ib + 1, ls, 0);
  }
  setD(0, loadF16(block) * <f32>0.125, 0);
}
