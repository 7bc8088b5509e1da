// IQ2_XXS: super-blocks of 256 values: fp16 d, then per 32 values 8 bytes: four grid indices (one
// per 8 values) and a 32-bit word of four 7-bit sign indices and a 4-bit scale s (top bits);
// x = d * (0.5 + s) / 4 * grid lane * sign.
import { loadF16, nearestInt, storeF16 } from "./common";
import { fitPositive, GROUP_MAX_EPS, importance, SCALES, sumSquares, WEIGHTS } from "./fit";
import { fitOnGrid, gridIndexOf, largest, LBEST, signsOf, WAUX, XVAL } from "./iqsearch";
import { BLOCK_SCALES, iq2Lane, IQ2_XXS_GRID, signedEight, signs7, signs7At, topNibbleScales8, useGrid } from "./grids";
import { setCode, setD, setScale } from "./unpacked";

export const IQ2_XXS_BYTES = 66;

// Values 8l .. 8l + 7 of a 32-value run (grid indices at q, signs in aux).
// @ts-ignore: decorator
@inline function eight(q: usize, aux: u32, l: i32, vd: v128, out: usize): void {
  const g = <usize>load<u8>(q + <usize>l) << 5;
  signedEight(0, out, g, g, signs7At(aux, 7 * l), vd);
}

export function dequantizeIQ2_XXS(src: usize, y: usize, blocks: i32): void {
  if (ASC_FEATURE_SIMD) useGrid(0);
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ2_XXS_BYTES;
    const d = loadF16(block);
    let out = y + (<usize>b << 10);
    if (ASC_FEATURE_SIMD) {
      const a = i32x4.shuffle(v128.load(block + 2), v128.load(block + 18), 1, 3, 5, 7);
      topNibbleScales8(a, i32x4.shuffle(v128.load(block + 34), v128.load(block + 50), 1, 3, 5, 7), d, 0.25, BLOCK_SCALES);
    }
    for (let ib = 0; ib < 8; ib++) {
      const q = block + 2 + (<usize>ib << 3);
      const aux = load<u32>(q, 4);
      if (ASC_FEATURE_SIMD) {
        // The four 8-value steps written out: as a loop they ran slower.
        const vd = v128.load32_splat(BLOCK_SCALES + (<usize>ib << 2));
        eight(q, aux, 0, vd, out);
        eight(q, aux, 1, vd, out + 32);
        eight(q, aux, 2, vd, out + 64);
        eight(q, aux, 3, vd, out + 96);
        out += 128;
        continue;
      }
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

// ggml's quantizer (it needs importance weights qw): per 32 values, signs to 7 bits a group of 8,
// the magnitudes fitted to grid points by fitOnGrid from make_qp_quants' scale, the 8 scales in 4 bits.
export function quantizeIQ2_XXS(x: usize, out: usize, blocks: i32, qw: usize): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * IQ2_XXS_BYTES;
    memory.fill(dst, 0, IQ2_XXS_BYTES);
    const sigma2: f32 = sumSquares(src, 256) / 256;
    let maxScale: f32 = 0;
    for (let ib = 0; ib < 8; ib++) {
      const xb = src + (<usize>ib << 7);
      importance(xb, qw + (<usize>(256 * b + 32 * ib) << 2), sigma2, 32, WEIGHTS);
      for (let i = 0; i < 32; i++) store<f32>(WAUX + (<usize>i << 2), sqrt<f32>(load<f32>(WEIGHTS + (<usize>i << 2))));
      let signs: u32 = 0;
      for (let k = 0; k < 4; k++) signs |= <u32>(signsOf(xb + (<usize>k << 5), WEIGHTS + (<usize>k << 5), XVAL + (<usize>k << 5), true) & 127) << (7 * k);
      const m = largest(XVAL, 32);
      store<f32>(SCALES + (<usize>ib << 2), 0);
      if (m < GROUP_MAX_EPS) continue;
      const start = fitPositive(32, 4, XVAL, LBEST, WEIGHTS);
      const effMax = start * 3;
      if (effMax <= 0) continue;
      let scale = fitOnGrid(32, 3, WEIGHTS, effMax, start, 6, 0.1, false, false, false);
      if (scale < 0) {
        scale = -scale;
        signs = ~signs & 0x0fffffff;
      }
      const q = dst + 2 + (<usize>ib << 3);
      for (let k = 0; k < 4; k++) store<u8>(q + <usize>k, <u8>gridIndexOf(k));
      store<u32>(q + 4, signs);
      store<f32>(SCALES + (<usize>ib << 2), scale);
      maxScale = maxScale > scale ? maxScale : scale;
    }
    if (maxScale == 0) {
      memory.fill(dst, 0, IQ2_XXS_BYTES);
      continue;
    }
    const d: f32 = maxScale / 31;
    storeF16(dst, d);
    const id: f32 = 1 / d;
    for (let ib = 0; ib < 8; ib++) {
      const l = max(0, min(15, nearestInt(<f32>0.5 * (id * load<f32>(SCALES + (<usize>ib << 2)) - 1))));
      const at = dst + 2 + (<usize>ib << 3) + 4;
      store<u32>(at, load<u32>(at) | (<u32>l << 28));
    }
  }
}
