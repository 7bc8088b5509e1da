// IQ2_S: super-blocks of 256 values: fp16 d, 32 bytes of grid index low bits, 32 bytes of sign bits
// (one byte per 8 values), 8 bytes of grid index high bits (2 per 8 values), 8 bytes of two 4-bit
// scales (one per 16 values); x = d * (0.5 + s) / 4 * grid lane * sign.
import { loadF16, nearestInt, storeF16 } from "./common";
import { importance, SCALES, sumSquares, WEIGHTS } from "./fit";
import { fitOnGrid, gridIndexOf, largest, signsOf, WAUX, XVAL } from "./iqsearch";
import { BLOCK_SCALES, halfOffset, iq2Lane, IQ2_S_GRID, quarterScales16, signedEight, useGrid } from "./grids";
import { setCode, setD, setScale } from "./unpacked";

export const IQ2_S_BYTES = 82;

// @ts-ignore: decorator
@inline function gridIndex(block: usize, k: i32): i32 {
  return <i32>load<u8>(block + 2 + <usize>k) | ((<i32>load<u8>(block + 66 + <usize>(k >> 2)) << (8 - 2 * (k & 3))) & 0x300);
}

// Values 8k .. 8k + 15 of a block, scaled by their scale (of quarterScales16), from grid indices
// i0 << 2, i1 << 2.
// @ts-ignore: decorator
@inline function sixteen(block: usize, i0: usize, i1: usize, k: i32, out: usize): void {
  const vd = v128.load32_splat(BLOCK_SCALES + (<usize>(k >> 1) << 2));
  signedEight(2, out, halfOffset(i0, 0), halfOffset(i0, 1), <usize>load<u8>(block + 34 + <usize>k), vd);
  signedEight(2, out + 32, halfOffset(i1, 0), halfOffset(i1, 1), <usize>load<u8>(block + 35 + <usize>k), vd);
}

// Values 8k .. 8k + 31 of a block, their grid indices (<< 2) in lanes 4 h .. 4 h + 3 of at.
// @ts-ignore: decorator
@inline function thirtyTwo(block: usize, at: v128, h: i32, k: i32, out: usize): void {
  if (h == 0) {
    sixteen(block, i16x8.extract_lane_u(at, 0), i16x8.extract_lane_u(at, 1), k, out);
    sixteen(block, i16x8.extract_lane_u(at, 2), i16x8.extract_lane_u(at, 3), k + 2, out + 64);
  } else {
    sixteen(block, i16x8.extract_lane_u(at, 4), i16x8.extract_lane_u(at, 5), k, out);
    sixteen(block, i16x8.extract_lane_u(at, 6), i16x8.extract_lane_u(at, 7), k + 2, out + 64);
  }
}

// Grid indices << 2 (halfOffset's) of values 64 p .. 64 p + 63, one per 8 in int16 lanes: the low
// bytes shifted, the high bit pairs (h & 3 << 2 l for lane l) multiplied into place.
// @ts-ignore: decorator
@inline function offsets(block: usize, p: i32): v128 {
  const low = i16x8.shl(i16x8.extend_low_i8x16_u(v128.load64_zero(block + 2 + <usize>(8 * p))), 2);
  const h = i8x16.shuffle(i16x8.splat(load<u16>(block + 66 + <usize>(2 * p))), i8x16.splat(0), 0, 16, 0, 16, 0, 16, 0, 16, 1, 16, 1, 16, 1, 16, 1, 16);
  const high = i16x8.mul(v128.and(h, i16x8(3, 12, 48, 192, 3, 12, 48, 192)), i16x8(1024, 256, 64, 16, 1024, 256, 64, 16));
  return i16x8.add(low, high);
}

export function dequantizeIQ2_S(src: usize, y: usize, blocks: i32): void {
  if (ASC_FEATURE_SIMD) useGrid(2);
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ2_S_BYTES;
    const d = loadF16(block);
    let out = y + (<usize>b << 10);
    if (ASC_FEATURE_SIMD) {
      // Grid offsets 8 at a time (one at a time they took about a quarter of the time), then the 16-value
      // steps of 64 values written out: as loops they ran slower.
      quarterScales16(block + 74, d, BLOCK_SCALES);
      for (let p = 0; p < 4; p++) {
        const at = offsets(block, p);
        thirtyTwo(block, at, 0, 8 * p, out);
        thirtyTwo(block, at, 1, 8 * p + 4, out + 128);
        out += 256;
      }
      continue;
    }
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

// ggml's quantizer, reference (qw 0: weights sigma2 / 4 + x^2) or importance-weighted: per 16 values
// the magnitudes fitted to grid points (10-bit indices), 8 sign bits a group, 4-bit scales.
export function quantizeIQ2_S(x: usize, out: usize, blocks: i32, qw: usize): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * IQ2_S_BYTES;
    memory.fill(dst, 0, IQ2_S_BYTES);
    const sigma2: f32 = 2 * sumSquares(src, 256) / 256;
    let maxScale: f32 = 0;
    for (let ib = 0; ib < 16; ib++) {
      const xb = src + (<usize>ib << 6);
      if (qw) importance(xb, qw + (<usize>(256 * b + 16 * ib) << 2), sigma2, 16, WEIGHTS);
      else for (let i = 0; i < 16; i++) store<f32>(WEIGHTS + (<usize>i << 2), <f32>0.25 * sigma2 + load<f32>(xb + (<usize>i << 2)) * load<f32>(xb + (<usize>i << 2)));
      for (let i = 0; i < 16; i++) store<f32>(WAUX + (<usize>i << 2), sqrt<f32>(load<f32>(WEIGHTS + (<usize>i << 2))));
      let s0 = signsOf(xb, WEIGHTS, XVAL, false), s1 = signsOf(xb + 32, WEIGHTS + 32, XVAL + 32, false);
      const m = largest(XVAL, 16);
      store<f32>(SCALES + (<usize>ib << 2), 0);
      if (m < 1e-8) continue;
      let scale = fitOnGrid(16, 3, WEIGHTS, m, m / 5, 9, 0.1, true, true, true);
      if (scale < 0) {
        scale = -scale;
        s0 = ~s0 & 255;
        s1 = ~s1 & 255;
      }
      for (let k = 0; k < 2; k++) {
        const i8 = 2 * ib + k, gi = gridIndexOf(k);
        store<u8>(dst + 2 + <usize>i8, <u8>gi);
        const h = dst + 66 + <usize>(i8 >> 2);
        store<u8>(h, load<u8>(h) | <u8>((gi >> 8) << (2 * (i8 & 3))));
        store<u8>(dst + 34 + <usize>i8, <u8>(k ? s1 : s0));
      }
      store<f32>(SCALES + (<usize>ib << 2), scale);
      maxScale = maxScale > scale ? maxScale : scale;
    }
    if (maxScale == 0) continue;
    const d: f32 = maxScale / 31;
    storeF16(dst, d * <f32>0.9875);
    const id: f32 = 1 / d;
    for (let ib = 0; ib < 16; ib++) {
      const l = max(0, min(15, nearestInt(<f32>0.5 * (id * load<f32>(SCALES + (<usize>ib << 2)) - 1))));
      const at = dst + 74 + <usize>(ib >> 1);
      store<u8>(at, load<u8>(at) | <u8>(ib & 1 ? l << 4 : l));
    }
  }
}
