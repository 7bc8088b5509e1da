// IQ1_S: super-blocks of 256 values: fp16 d, 32 bytes of grid index low bits (one per 8 values),
// then per 32 values a 16-bit word: the indices' high bits (3 per 8 values), a 3-bit scale s and a
// delta sign; x = d * (2 s + 1) * (grid lane + delta), delta = +-1/8.
import { loadF16, nearestInt, storeF16 } from "./common";
import { importance, SCALES, sumSquares, WEIGHTS } from "./fit";
import { bestNeighbour, checkScale, LBEST, lookup, ORDER, pointOf, refitIq1, sortOrder } from "./iqsearch";
import { BLOCK_SCALES, dequantizeIq1x16, iq1Lane, iq1Lanes, iq1Scales4, iq1x16 } from "./grids";
import { setCode, setD, setScale } from "./unpacked";

export const IQ1_S_BYTES = 50;

export function dequantizeIQ1_S(src: usize, y: usize, blocks: i32): void {
  const lanes: usize = ASC_FEATURE_SIMD ? iq1Lanes() : 0;
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ1_S_BYTES;
    const d = loadF16(block);
    let out = y + (<usize>b << 10);
    if (ASC_FEATURE_SIMD) {
      // The eight scales (d * (2 s + 1)) / 8 at once, as the steps would make them, splatted from
      // memory by each step.
      const qh = v128.load(block + 34), vd = f32x4.splat(d);
      const seven = i32x4.splat(7);
      iq1Scales4(v128.and(i32x4.shr_u(i32x4.extend_low_i16x8_u(qh), 12), seven), vd, BLOCK_SCALES);
      iq1Scales4(v128.and(i32x4.shr_u(i32x4.extend_high_i16x8_u(qh), 12), seven), vd, BLOCK_SCALES + 16);
    }
    for (let ib = 0; ib < 8; ib++) {
      const qh = <i32>load<u16>(block + 34 + (<usize>ib << 1));
      const negative = (qh >> 15) * 3; // one delta for all 32 values
      // The four grid indices of the 32 values written out (as a two-step loop it ran slower).
      const q = block + 2 + (<usize>ib << 2);
      const i0 = <i32>load<u8>(q) | ((qh & 7) << 8), i1 = <i32>load<u8>(q, 1) | (((qh >> 3) & 7) << 8);
      const i2 = <i32>load<u8>(q, 2) | (((qh >> 6) & 7) << 8), i3 = <i32>load<u8>(q, 3) | (((qh >> 9) & 7) << 8);
      if (ASC_FEATURE_SIMD) {
        const d8 = v128.load32_splat(BLOCK_SCALES + (<usize>ib << 2));
        iq1x16(lanes, out, i0, i1, d8, negative);
        iq1x16(lanes, out + 64, i2, i3, d8, negative);
      } else {
        const dl = d * <f32>(((qh >> 12) & 7) * 2 + 1);
        dequantizeIq1x16(lanes, out, i0, i1, dl, negative);
        dequantizeIq1x16(lanes, out + 64, i2, i3, dl, negative);
      }
      out += 128;
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

// Three levels each, in 16 bytes: the neighbour search loads them as one vector.
const X_P = memory.data(16, 16);
const X_M = memory.data(16, 16);
// 36 floats: the SIMD search reads four at a time from any split point up to 32.
const SUMX = memory.data(36 << 2, 16);
const SUMW = memory.data(36 << 2, 16);
// Four split points' (qx, q2) under each delta sign (the SIMD search).
const CANDIDATES = memory.data(64, 16);
const SHIFTS = memory.data(8);
const INDEX = memory.data(8);

// The levels with the delta added (x_p) or subtracted (x_m).
// @ts-ignore: decorator
@inline export function setLevels(xp: usize, xm: usize): void {
  store<f32>(xp, <f32>-1 + <f32>0.125); store<f32>(xp, 0.125, 4); store<f32>(xp, <f32>1 + <f32>0.125, 8);
  store<f32>(xm, <f32>-1 - <f32>0.125); store<f32>(xm, -0.125, 4); store<f32>(xm, <f32>1 - <f32>0.125, 8);
}

// ggml's quantizer (it needs importance weights qw): per 32 values the best split of the sorted
// values into levels -1, 0, 1 and the sign of the delta, then groups of 8 onto the grid.
export function quantizeIQ1_S(x: usize, out: usize, blocks: i32, qw: usize): void {
  setLevels(X_P, X_M);
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * IQ1_S_BYTES;
    memory.fill(dst, 0, IQ1_S_BYTES);
    const sigma2: f32 = 2 * sumSquares(src, 256) / 256;
    let maxScale: f32 = 0;
    for (let ib = 0; ib < 8; ib++) {
      const xb = src + (<usize>ib << 7);
      importance(xb, qw + (<usize>(256 * b + 32 * ib) << 2), sigma2, 32, WEIGHTS);
      store<f32>(SCALES + (<usize>ib << 2), 0);
      store<i8>(SHIFTS + <usize>ib, 1);
      let m = abs(load<f32>(xb));
      for (let i = 1; i < 32; i++) m = m > abs(load<f32>(xb + (<usize>i << 2))) ? m : abs(load<f32>(xb + (<usize>i << 2)));
      if (m < 1e-12) continue;
      sortOrder(xb, 32);
      store<f32>(SUMX, 0);
      store<f32>(SUMW, 0);
      for (let j = 0; j < 32; j++) {
        const i = <usize>load<i32>(ORDER + (<usize>j << 2));
        const w = load<f32>(WEIGHTS + (i << 2));
        store<f32>(SUMX + (<usize>(j + 1) << 2), load<f32>(SUMX + (<usize>j << 2)) + w * load<f32>(xb + (i << 2)));
        store<f32>(SUMW + (<usize>(j + 1) << 2), load<f32>(SUMW + (<usize>j << 2)) + w);
      }
      let best = -f32.MAX_VALUE, scale = m;
      let b1 = -1, b2 = -1, shift = 0;
      for (let i1 = 0; i1 <= 32; i1++) {
        let i2 = i1;
        if (ASC_FEATURE_SIMD) {
          // Four second split points a lane each, with the scalar loop's operations; then taken in
          // its order (i2, then the sign). Where none of the eight candidates beats the best now,
          // the ordered look would take none (the best moves only when one is taken): skipped.
          const sx = f32x4.splat(load<f32>(SUMX)), sw = f32x4.splat(load<f32>(SUMW));
          const xi = f32x4.splat(load<f32>(SUMX + (<usize>i1 << 2))), wi = f32x4.splat(load<f32>(SUMW + (<usize>i1 << 2)));
          const xe = f32x4.splat(load<f32>(SUMX + 128)), we = f32x4.splat(load<f32>(SUMW + 128));
          const x0 = f32x4.sub(xi, sx), w0 = f32x4.sub(wi, sw);
          for (; i2 <= 32; i2 += 4) {
            const x2v = v128.load(SUMX + (<usize>i2 << 2)), w2v = v128.load(SUMW + (<usize>i2 << 2));
            const x1 = f32x4.sub(x2v, xi), x2 = f32x4.sub(xe, x2v);
            const w1 = f32x4.sub(w2v, wi), w2 = f32x4.sub(we, w2v);
            let any = false;
            for (let sg = 0; sg < 2; sg++) {
              const xx = sg ? X_M : X_P;
              const p0 = f32x4.splat(load<f32>(xx)), p1 = f32x4.splat(load<f32>(xx, 4)), p2 = f32x4.splat(load<f32>(xx, 8));
              const qx = f32x4.add(f32x4.add(f32x4.mul(x0, p0), f32x4.mul(x1, p1)), f32x4.mul(x2, p2));
              const q2 = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(w0, p0), p0), f32x4.mul(f32x4.mul(w1, p1), p1)), f32x4.mul(f32x4.mul(w2, p2), p2));
              v128.store(CANDIDATES + (<usize>sg << 5), qx);
              v128.store(CANDIDATES + (<usize>sg << 5), q2, 16);
              if (v128.any_true(v128.and(f32x4.gt(q2, f32x4.splat(0)), f32x4.gt(f32x4.mul(qx, qx), f32x4.mul(f32x4.splat(best), q2))))) any = true;
            }
            if (!any) continue;
            for (let k = 0; k < 4 && i2 + k <= 32; k++) {
              for (let sg = 0; sg < 2; sg++) {
                const qx = load<f32>(CANDIDATES + (<usize>((sg << 3) + k) << 2)), q2 = load<f32>(CANDIDATES + (<usize>((sg << 3) + 4 + k) << 2));
                if (q2 > 0 && qx * qx > best * q2) {
                  scale = qx / q2;
                  best = scale * qx;
                  b1 = i1;
                  b2 = i2 + k;
                  shift = sg ? -1 : 1;
                }
              }
            }
          }
        }
        for (; i2 <= 32; i2++) {
          const x0 = load<f32>(SUMX + (<usize>i1 << 2)) - load<f32>(SUMX), x1 = load<f32>(SUMX + (<usize>i2 << 2)) - load<f32>(SUMX + (<usize>i1 << 2)), x2 = load<f32>(SUMX + 128) - load<f32>(SUMX + (<usize>i2 << 2));
          const w0 = load<f32>(SUMW + (<usize>i1 << 2)) - load<f32>(SUMW), w1 = load<f32>(SUMW + (<usize>i2 << 2)) - load<f32>(SUMW + (<usize>i1 << 2)), w2 = load<f32>(SUMW + 128) - load<f32>(SUMW + (<usize>i2 << 2));
          for (let s = 0; s < 2; s++) {
            const xx = s ? X_M : X_P;
            const p0 = load<f32>(xx), p1 = load<f32>(xx, 4), p2 = load<f32>(xx, 8);
            const qx = x0 * p0 + x1 * p1 + x2 * p2;
            const q2 = w0 * p0 * p0 + w1 * p1 * p1 + w2 * p2 * p2;
            if (q2 > 0 && qx * qx > best * q2) {
              scale = qx / q2;
              best = scale * qx;
              b1 = i1;
              b2 = i2;
              shift = s ? -1 : 1;
            }
          }
        }
      }
      if (b1 < 0 || b2 < 0 || shift == 0) continue;
      for (let j = 0; j < 32; j++) store<i8>(LBEST + <usize>load<i32>(ORDER + (<usize>j << 2)), <i8>(j < b1 ? 0 : j < b2 ? 1 : 2));
      if (scale < 0) {
        for (let j = 0; j < 32; j++) store<i8>(LBEST + <usize>j, <i8>(2 - load<i8>(LBEST + <usize>j)));
        scale = -scale;
        shift = -shift;
      }
      const xx = shift == 1 ? X_P : X_M;
      let onGrid = true;
      for (let k = 0; k < 4; k++) {
        let gi = lookup(pointOf(LBEST + <usize>(8 * k)));
        if (gi < 0) {
          onGrid = false;
          gi = max(0, bestNeighbour(gi, xb + (<usize>k << 5), WEIGHTS + (<usize>k << 5), scale, xx, LBEST + <usize>(8 * k)));
        }
        store<u16>(INDEX + (<usize>k << 1), <u16>gi);
      }
      if (!onGrid) scale = refitIq1(4, xb, WEIGHTS, INDEX, xx, xx, scale);
      let h = 0;
      for (let k = 0; k < 4; k++) {
        const gi = <i32>load<u16>(INDEX + (<usize>k << 1));
        store<u8>(dst + 2 + <usize>(4 * ib + k), <u8>gi);
        h |= (gi >> 8) << (3 * k);
      }
      store<u16>(dst + 34 + (<usize>ib << 1), <u16>h);
      checkScale(scale);
      store<f32>(SCALES + (<usize>ib << 2), scale);
      store<i8>(SHIFTS + <usize>ib, <i8>shift);
      maxScale = maxScale > scale ? maxScale : scale;
    }
    if (maxScale == 0) continue;
    const d: f32 = maxScale / 15;
    storeF16(dst, d * <f32>1.125);
    const id: f32 = 1 / d;
    for (let ib = 0; ib < 8; ib++) {
      let l = max(0, min(7, nearestInt(<f32>0.5 * (id * load<f32>(SCALES + (<usize>ib << 2)) - 1))));
      if (load<i8>(SHIFTS + <usize>ib) == -1) l |= 8;
      const at = dst + 34 + (<usize>ib << 1);
      store<u16>(at, load<u16>(at) | <u16>(l << 12));
    }
  }
}
