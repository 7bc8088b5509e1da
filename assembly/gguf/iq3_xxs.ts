// IQ3_XXS: super-blocks of 256 values: fp16 d, 64 bytes of grid indices (one per 4 values), then
// per 32 values a 32-bit word of four 7-bit sign indices and a 4-bit scale s (top bits);
// x = d * (0.5 + s) / 2 * grid lane * sign.
import { loadF16, nearestInt, storeF16 } from "./common";
import { importance, SCALES, sumSquares, WEIGHTS } from "./fit";
import { fitOnGrid, gridIndexOf, largest, signsOf, WAUX, XVAL } from "./iqsearch";
import { BLOCK_SCALES, iq3xxsLane, signedEight, signs7, signs7At, topNibbleScales8, useGrid } from "./grids";
import { setCode, setD, setScale } from "./unpacked";

export const IQ3_XXS_BYTES = 98;

// Values 8l .. 8l + 7 of a 32-value run (grid indices at q, signs in aux).
// @ts-ignore: decorator
@inline function eight(q: usize, aux: u32, l: i32, vd: v128, out: usize): void {
  const g0 = <usize>load<u8>(q + <usize>(2 * l)) << 4, g1 = <usize>load<u8>(q + <usize>(2 * l + 1)) << 4;
  signedEight(3, out, g0, g1, signs7At(aux, 7 * l), vd);
}

export function dequantizeIQ3_XXS(src: usize, y: usize, blocks: i32): void {
  if (ASC_FEATURE_SIMD) useGrid(3);
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ3_XXS_BYTES;
    const d = loadF16(block);
    let out = y + (<usize>b << 10);
    if (ASC_FEATURE_SIMD) topNibbleScales8(v128.load(block + 66), v128.load(block + 82), d, 0.5, BLOCK_SCALES);
    for (let ib = 0; ib < 8; ib++) {
      const aux = load<u32>(block + 66 + (<usize>ib << 2));
      if (ASC_FEATURE_SIMD) {
        // The four 8-value steps written out: as a loop they ran slower.
        const vd = v128.load32_splat(BLOCK_SCALES + (<usize>ib << 2)), q = block + 2 + <usize>(8 * ib);
        eight(q, aux, 0, vd, out);
        eight(q, aux, 1, vd, out + 32);
        eight(q, aux, 2, vd, out + 64);
        eight(q, aux, 3, vd, out + 96);
        out += 128;
        continue;
      }
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

// ggml's quantizer, reference (qw 0: weights x^2) or importance-weighted: per 32 values, signs to 7
// bits a group of 8, groups of 4 magnitudes fitted to grid points, the scales in 4 bits.
export function quantizeIQ3_XXS(x: usize, out: usize, blocks: i32, qw: usize): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * IQ3_XXS_BYTES;
    memory.fill(dst, 0, IQ3_XXS_BYTES);
    const sigma2: f32 = 2 * sumSquares(src, 256) / 256;
    let maxScale: f32 = 0;
    for (let ib = 0; ib < 8; ib++) {
      const xb = src + (<usize>ib << 7);
      weightsOf(xb, qw ? qw + (<usize>(256 * b + 32 * ib) << 2) : 0, sigma2);
      let signs: u32 = 0;
      for (let k = 0; k < 4; k++) signs |= <u32>(signsOf(xb + (<usize>k << 5), WEIGHTS + (<usize>k << 5), XVAL + (<usize>k << 5), true) & 127) << (7 * k);
      const m = largest(XVAL, 32);
      store<f32>(SCALES + (<usize>ib << 2), 0);
      if (m < 1e-8) continue;
      let scale = fitOnGrid(32, 8, WEIGHTS, m, m / 15, 15, 0.2, true, true, true);
      if (scale < 0) {
        scale = -scale;
        signs = ~signs & 0x0fffffff;
      }
      for (let k = 0; k < 8; k++) store<u8>(dst + 2 + <usize>(8 * ib + k), <u8>gridIndexOf(k));
      store<u32>(dst + 66 + (<usize>ib << 2), signs);
      store<f32>(SCALES + (<usize>ib << 2), scale);
      maxScale = maxScale > scale ? maxScale : scale;
    }
    if (maxScale == 0) {
      memory.fill(dst, 0, IQ3_XXS_BYTES);
      continue;
    }
    const d: f32 = maxScale / 31;
    storeF16(dst, d * <f32>1.0125);
    const id: f32 = 1 / d;
    for (let ib = 0; ib < 8; ib++) {
      const l = max(0, min(15, nearestInt(<f32>0.5 * (id * load<f32>(SCALES + (<usize>ib << 2)) - 1))));
      const at = dst + 66 + (<usize>ib << 2);
      store<u32>(at, load<u32>(at) | (<u32>l << 28));
    }
  }
}

/** The weights of 32 values at WEIGHTS (qw * sqrt(sigma2 + x^2), or x^2 without qw) and their roots at WAUX. */
export function weightsOf(xb: usize, qw: usize, sigma2: f32): void {
  if (qw) importance(xb, qw, sigma2, 32, WEIGHTS);
  else for (let i = 0; i < 32; i++) store<f32>(WEIGHTS + (<usize>i << 2), load<f32>(xb + (<usize>i << 2)) * load<f32>(xb + (<usize>i << 2)));
  for (let i = 0; i < 32; i++) store<f32>(WAUX + (<usize>i << 2), sqrt<f32>(load<f32>(WEIGHTS + (<usize>i << 2))));
}
