// IQ3_S: super-blocks of 256 values: fp16 d, 64 bytes of grid index low bits (one per 4 values), 8
// bytes of their 9th bits, 32 bytes of sign bits (one byte per 8 values), 4 bytes of two 4-bit
// scales (one per 32 values); x = d * (1 + 2 s) * grid lane * sign.
import { loadF16 } from "./common";
import { iq3sLane } from "./grids";
import { setCode, setD, setScale } from "./unpacked";

export const IQ3_S_BYTES = 110;

// Grid index of values 4k..4k+3.
// @ts-ignore: decorator
@inline function gridIndex(block: usize, k: i32): i32 {
  return <i32>load<u8>(block + 2 + <usize>k) | (((<i32>load<u8>(block + 66 + <usize>(k >> 3)) >> (k & 7)) & 1) << 8);
}

// @ts-ignore: decorator
@inline function scale(block: usize, ib: i32): i32 {
  const sc = <i32>load<u8>(block + 106 + <usize>(ib >> 1));
  return 2 * (ib & 1 ? sc >> 4 : sc & 0xf) + 1;
}

export function dequantizeIQ3_S(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ3_S_BYTES;
    const d = loadF16(block);
    let out = y + (<usize>b << 10);
    for (let ib = 0; ib < 8; ib++) {
      const db: f32 = d * <f32>scale(block, ib);
      for (let l = 0; l < 4; l++) {
        const s = <i32>load<u8>(block + 74 + <usize>(4 * ib + l));
        for (let j = 0; j < 8; j++) {
          store<f32>(out, db * <f32>iq3sLane(gridIndex(block, 8 * ib + 2 * l + (j >> 2)), j & 3) * (s & (1 << j) ? <f32>-1 : <f32>1));
          out += 4;
        }
      }
    }
  }
}

/** Signed grid values, scales 1 + 2 s and d, for the dot-product packer. */
export function unpackIQ3_S(block: usize): void {
  for (let ib = 0; ib < 8; ib++) {
    for (let l = 0; l < 4; l++) {
      const s = <i32>load<u8>(block + 74 + <usize>(4 * ib + l));
      for (let j = 0; j < 8; j++) {
        const v = iq3sLane(gridIndex(block, 8 * ib + 2 * l + (j >> 2)), j & 3);
        setCode(32 * ib + 8 * l + j, s & (1 << j) ? -v : v);
      }
    }
    setScale(2 * ib, scale(block, ib), 0);
    setScale(2 * ib + 1, scale(block, ib), 0);
  }
  setD(0, loadF16(block), 0);
}
