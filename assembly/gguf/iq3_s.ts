// IQ3_S: super-blocks of 256 values: fp16 d, 64 bytes of grid index low bits (one per 4 values), 8
// bytes of their 9th bits, 32 bytes of sign bits (one byte per 8 values), 4 bytes of two 4-bit
// scales (one per 32 values); x = d * (1 + 2 s) * grid lane * sign.
import { bitLanes, byteConst, loadF16, nearestInt, storeF16 } from "./common";
import { SCALES, sumSquares, WEIGHTS } from "./fit";
import { weightsOf } from "./iq3_xxs";
import { fitOnGrid, gridIndexOf, largest, signsOf, XVAL } from "./iqsearch";
import { BLOCK_SCALES, iq3sLane, oddScales8, signedEight, useGrid } from "./grids";
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
  if (ASC_FEATURE_SIMD) useGrid(4);
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ3_S_BYTES;
    const d = loadF16(block);
    let out = y + (<usize>b << 10);
    if (ASC_FEATURE_SIMD) oddScales8(block + 106, d, BLOCK_SCALES);
    for (let ib = 0; ib < 8; ib++) {
      if (ASC_FEATURE_SIMD) {
        const vd = v128.load32_splat(BLOCK_SCALES + (<usize>ib << 2));
        // The 8 grid indices of these 32 values at once, as byte offsets in int16 lanes: low bits
        // in the low byte, the 9th bit (bit j of one byte) in the high byte.
        const low = v128.load64_zero(block + 2 + (<usize>ib << 3));
        const bits = bitLanes(), high = v128.and(i8x16.eq(v128.and(i8x16.splat(load<u8>(block + 66 + <usize>ib)), bits), bits), byteConst(1));
        const at = i16x8.shl(i8x16.shuffle(low, high, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), 4);
        const signs = block + 74 + (<usize>ib << 2);
        signedEight(4, out, <usize>i16x8.extract_lane_u(at, 0), <usize>i16x8.extract_lane_u(at, 1), <usize>load<u8>(signs), vd);
        signedEight(4, out + 32, <usize>i16x8.extract_lane_u(at, 2), <usize>i16x8.extract_lane_u(at, 3), <usize>load<u8>(signs, 1), vd);
        signedEight(4, out + 64, <usize>i16x8.extract_lane_u(at, 4), <usize>i16x8.extract_lane_u(at, 5), <usize>load<u8>(signs, 2), vd);
        signedEight(4, out + 96, <usize>i16x8.extract_lane_u(at, 6), <usize>i16x8.extract_lane_u(at, 7), <usize>load<u8>(signs, 3), vd);
        out += 128;
        continue;
      }
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

// ggml's quantizer, reference (qw 0: weights x^2) or importance-weighted: per 32 values, 8 sign bits
// a group of 8, groups of 4 magnitudes fitted to grid points (9-bit indices), the scales in 4 bits.
export function quantizeIQ3_S(x: usize, out: usize, blocks: i32, qw: usize): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * IQ3_S_BYTES;
    memory.fill(dst, 0, IQ3_S_BYTES);
    const sigma2: f32 = 2 * sumSquares(src, 256) / 256;
    let maxScale: f32 = 0;
    for (let ib = 0; ib < 8; ib++) {
      const xb = src + (<usize>ib << 7);
      weightsOf(xb, qw ? qw + (<usize>(256 * b + 32 * ib) << 2) : 0, sigma2);
      let signs: u32 = 0;
      for (let k = 0; k < 4; k++) signs |= <u32>signsOf(xb + (<usize>k << 5), WEIGHTS + (<usize>k << 5), XVAL + (<usize>k << 5), false) << (8 * k);
      const m = largest(XVAL, 32);
      store<f32>(SCALES + (<usize>ib << 2), 0);
      if (m == 0) continue;
      let scale = fitOnGrid(32, 8, WEIGHTS, m, m / 15, 9, 0.2, true, false, false);
      if (scale < 0) {
        scale = -scale;
        signs = ~signs;
      }
      for (let k = 0; k < 8; k++) {
        const gi = gridIndexOf(k);
        store<u8>(dst + 2 + <usize>(8 * ib + k), <u8>gi);
        const h = dst + 66 + <usize>ib;
        store<u8>(h, load<u8>(h) | <u8>((gi >> 8) << k));
      }
      store<u32>(dst + 74 + (<usize>ib << 2), signs);
      store<f32>(SCALES + (<usize>ib << 2), scale);
      maxScale = maxScale > scale ? maxScale : scale;
    }
    if (maxScale == 0) continue;
    const d: f32 = maxScale / 31;
    storeF16(dst, d * <f32>1.033);
    const id: f32 = 1 / d;
    for (let ib = 0; ib < 8; ib += 2) {
      const l1 = max(0, min(15, nearestInt(<f32>0.5 * (id * load<f32>(SCALES + (<usize>ib << 2)) - 1))));
      const l2 = max(0, min(15, nearestInt(<f32>0.5 * (id * load<f32>(SCALES + (<usize>(ib + 1) << 2)) - 1))));
      store<u8>(dst + 106 + <usize>(ib >> 1), <u8>(l1 | (l2 << 4)));
    }
  }
}
