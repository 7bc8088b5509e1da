// IQ3_XXS: super-blocks of 256 values: fp16 d, 64 bytes of grid indices (one per 4 values), then
// per 32 values a 32-bit word of four 7-bit sign indices and a 4-bit scale s (top bits);
// x = d * (0.5 + s) / 2 * grid lane * sign.
import { loadF16 } from "./common";
import { iq3xxsLane, signs7 } from "./grids";
import { setCode, setD, setScale } from "./unpacked";

export const IQ3_XXS_BYTES = 98;

export function dequantizeIQ3_XXS(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ3_XXS_BYTES;
    const d = loadF16(block);
    let out = y + (<usize>b << 10);
    for (let ib = 0; ib < 8; ib++) {
      const aux = load<u32>(block + 66 + (<usize>ib << 2));
      const db: f32 = d * (<f32>0.5 + <f32>(aux >> 28)) * <f32>0.5;
      for (let l = 0; l < 4; l++) {
        const s = signs7(<i32>(aux >> (7 * l)) & 127);
        for (let j = 0; j < 8; j++) {
          const grid = <i32>load<u8>(block + 2 + <usize>(8 * ib + 2 * l + (j >> 2)));
          store<f32>(out, db * <f32>iq3xxsLane(grid, j & 3) * (s & (1 << j) ? <f32>-1 : <f32>1));
          out += 4;
        }
      }
    }
  }
}

/** Signed grid values, scales 2 s + 1 and d / 4, for the dot-product packer. */
export function unpackIQ3_XXS(block: usize): void {
  for (let ib = 0; ib < 8; ib++) {
    const aux = load<u32>(block + 66 + (<usize>ib << 2));
    for (let l = 0; l < 4; l++) {
      const s = signs7(<i32>(aux >> (7 * l)) & 127);
      for (let j = 0; j < 8; j++) {
        const v = iq3xxsLane(<i32>load<u8>(block + 2 + <usize>(8 * ib + 2 * l + (j >> 2))), j & 3);
        setCode(32 * ib + 8 * l + j, s & (1 << j) ? -v : v);
      }
    }
    const ls = 2 * <i32>(aux >> 28) + 1;
    setScale(2 * ib, ls, 0);
    setScale(2 * ib + 1, ls, 0);
  }
  setD(0, loadF16(block) * <f32>0.25, 0);
}
