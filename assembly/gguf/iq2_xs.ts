// IQ2_XS: super-blocks of 256 values: fp16 d, 32 16-bit words (a 9-bit grid index and a 7-bit sign
// index per 8 values), then 8 bytes of two 4-bit scales (one per 16 values);
// x = d * (0.5 + s) / 4 * grid lane * sign.
import { loadF16, nearestInt, storeF16 } from "./common";
import { GROUP_MAX_EPS, importance, SCALES, sumSquares, WEIGHTS } from "./fit";
import { fitOnGrid, gridIndexOf, largest, signsOf, WAUX, XVAL } from "./iqsearch";
import { BLOCK_SCALES, iq2Lane, IQ2_XS_GRID, quarterScales16, signedEight, signs7, signs7At, useGrid } from "./grids";
import { setCode, setD, setScale } from "./unpacked";

export const IQ2_XS_BYTES = 74;

// Values 8k .. 8k + 15 of a block, scaled by their scale (of quarterScales16).
// @ts-ignore: decorator
@inline function sixteen(block: usize, k: i32, out: usize): void {
  const vd = v128.load32_splat(BLOCK_SCALES + (<usize>(k >> 1) << 2));
  const w0 = <usize>load<u16>(block + 2 + (<usize>k << 1)), w1 = <usize>load<u16>(block + 2 + (<usize>(k + 1) << 1));
  const g0 = (w0 & 511) << 5, g1 = (w1 & 511) << 5;
  signedEight(1, out, g0, g0, signs7At(<u32>w0, 9), vd);
  signedEight(1, out + 32, g1, g1, signs7At(<u32>w1, 9), vd);
}

export function dequantizeIQ2_XS(src: usize, y: usize, blocks: i32): void {
  if (ASC_FEATURE_SIMD) useGrid(1);
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ2_XS_BYTES;
    const d = loadF16(block);
    let out = y + (<usize>b << 10);
    if (ASC_FEATURE_SIMD) quarterScales16(block + 66, d, BLOCK_SCALES);
    for (let ib = 0; ib < 8; ib++) {
      if (ASC_FEATURE_SIMD) {
        // The two 16-value steps written out: as a two-step loop they ran slower.
        sixteen(block, 4 * ib, out);
        sixteen(block, 4 * ib + 2, out + 64);
        out += 128;
        continue;
      }
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

// ggml's quantizer (it needs importance weights qw): as IQ2_XXS's per 16 values, signs to 7 bits a
// group of 8, a 9-bit grid index, the 16 scales in 4 bits.
export function quantizeIQ2_XS(x: usize, out: usize, blocks: i32, qw: usize): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * IQ2_XS_BYTES;
    memory.fill(dst, 0, IQ2_XS_BYTES);
    const sigma2: f32 = sumSquares(src, 256) / 256;
    let maxScale: f32 = 0;
    for (let ib = 0; ib < 16; ib++) {
      const xb = src + (<usize>ib << 6);
      importance(xb, qw + (<usize>(256 * b + 16 * ib) << 2), sigma2, 16, WEIGHTS);
      for (let i = 0; i < 16; i++) store<f32>(WAUX + (<usize>i << 2), sqrt<f32>(load<f32>(WEIGHTS + (<usize>i << 2))));
      let s0 = signsOf(xb, WEIGHTS, XVAL, true) & 127, s1 = signsOf(xb + 32, WEIGHTS + 32, XVAL + 32, true) & 127;
      const m = largest(XVAL, 16);
      store<f32>(SCALES + (<usize>ib << 2), 0);
      if (m < GROUP_MAX_EPS) continue;
      let scale = fitOnGrid(16, 3, WEIGHTS, m, m / 5, 9, 0.1, true, true, true);
      if (scale < 0) {
        scale = -scale;
        s0 = ~s0 & 127;
        s1 = ~s1 & 127;
      }
      store<u16>(dst + 2 + (<usize>(2 * ib) << 1), <u16>(gridIndexOf(0) | (s0 << 9)));
      store<u16>(dst + 2 + (<usize>(2 * ib + 1) << 1), <u16>(gridIndexOf(1) | (s1 << 9)));
      store<f32>(SCALES + (<usize>ib << 2), scale);
      maxScale = maxScale > scale ? maxScale : scale;
    }
    if (maxScale == 0) {
      memory.fill(dst, 0, IQ2_XS_BYTES);
      continue;
    }
    const d: f32 = maxScale / 31;
    storeF16(dst, d);
    const id: f32 = 1 / d;
    for (let ib = 0; ib < 16; ib++) {
      const l = max(0, min(15, nearestInt(<f32>0.5 * (id * load<f32>(SCALES + (<usize>ib << 2)) - 1))));
      const at = dst + 66 + <usize>(ib >> 1);
      store<u8>(at, load<u8>(at) | <u8>(ib & 1 ? l << 4 : l));
    }
  }
}
