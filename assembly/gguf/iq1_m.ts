// IQ1_M: super-blocks of 256 values: 32 bytes of grid index low bits (one per 8 values), 16 bytes of
// their high bits and delta signs (a nibble per 8 values: 3 bits, then the sign), 8 bytes of 3-bit
// scales (one per 16 values) whose four spare nibbles hold the fp16 d; x = d * (2 s + 1) *
// (grid lane + delta), delta = +-1/8.
import { nearestInt, reinterpretF16, storeF16 } from "./common";
import { importance, SCALES, sumSquares, WEIGHTS } from "./fit";
import { setLevels } from "./iq1_s";
import { bestNeighbour, checkScale, LBEST, level, lookup, ORDER, pointOf, refitIq1, sortOrder } from "./iqsearch";
import { BLOCK_SCALES, dequantizeIq1x16, iq1Lane, iq1Lanes, iq1Scales4, iq1x16 } from "./grids";
import { setCode, setD, setScale } from "./unpacked";

export const IQ1_M_BYTES = 56;

// @ts-ignore: decorator
@inline function superScale(block: usize): f32 {
  return reinterpretF16(superScaleBits(block));
}

/** The fp16 bits of d, kept in the top nibbles of the four scale words. */
// @ts-ignore: decorator
@inline export function superScaleBits(block: usize): i32 {
  const s = block + 48;
  return (<i32>load<u16>(s) >> 12) | ((<i32>load<u16>(s, 2) >> 8) & 0x00f0) | ((<i32>load<u16>(s, 4) >> 4) & 0x0f00) | (<i32>load<u16>(s, 6) & 0xf000);
}

// Scale 2 s + 1 of values 16 k .. 16 k + 15.
// @ts-ignore: decorator
@inline function scale(block: usize, k: i32): i32 {
  return 2 * ((<i32>load<u16>(block + 48 + (<usize>(k >> 2) << 1)) >> (3 * (k & 3))) & 7) + 1;
}

// Grid index and delta nibble of values 8 k .. 8 k + 7.
// @ts-ignore: decorator
@inline function nibble(block: usize, k: i32): i32 {
  return (<i32>load<u8>(block + 32 + <usize>(k >> 1)) >> ((k & 1) << 2)) & 0xf;
}

// Values 16 m .. 16 m + 15 of a block, scaled by dl (SIMD builds: by dl / 8, read at d8).
// @ts-ignore: decorator
@inline function sixteen(lanes: usize, block: usize, m: i32, dl: f32, d8: usize, out: usize): void {
  const h = <i32>load<u8>(block + 32 + <usize>m);
  const i0 = <i32>load<u8>(block + <usize>(2 * m)) | ((h & 7) << 8), i1 = <i32>load<u8>(block + <usize>(2 * m + 1)) | ((h & 0x70) << 4);
  const negative = ((h >> 3) & 1) | ((h >> 6) & 2);
  if (ASC_FEATURE_SIMD) iq1x16(lanes, out, i0, i1, v128.load32_splat(d8), negative);
  else dequantizeIq1x16(lanes, out, i0, i1, dl, negative);
}

// Lane w: the scale of bits 3k .. 3k + 2 of scale word w (iq1Scales4): step 4 w + k's d8 is lane w
// of these (BLOCK_SCALES + 16 k).
// @ts-ignore: decorator
@inline function scalesOfWords(words: v128, k: i32, vd: v128): void {
  iq1Scales4(v128.and(i32x4.shr_u(words, 3 * k), i32x4.splat(7)), vd, BLOCK_SCALES + (<usize>k << 4));
}

// @ts-ignore: decorator
@inline function d8Of(w: i32, k: i32): usize {
  return BLOCK_SCALES + (<usize>(4 * k + w) << 2);
}

export function dequantizeIQ1_M(src: usize, y: usize, blocks: i32): void {
  const lanes: usize = ASC_FEATURE_SIMD ? iq1Lanes() : 0;
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ1_M_BYTES;
    const d = superScale(block);
    let out = y + (<usize>b << 10);
    if (ASC_FEATURE_SIMD) {
      // The 16 steps' scales four at a time, splatted from memory by each step.
      const words = i32x4.extend_low_i16x8_u(v128.load64_zero(block + 48)), vd = f32x4.splat(d);
      scalesOfWords(words, 0, vd);
      scalesOfWords(words, 1, vd);
      scalesOfWords(words, 2, vd);
      scalesOfWords(words, 3, vd);
    }
    // 16 values a step: one scale, two grid entries and their two delta signs (one nibble byte);
    // the four steps of a scale word written out, so that its shifts are constants (1.1-1.2x).
    for (let w = 0; w < 4; w++) {
      const word = <i32>load<u16>(block + 48 + (<usize>w << 1));
      sixteen(lanes, block, 4 * w, d * <f32>(((word & 7) << 1) | 1), d8Of(w, 0), out);
      sixteen(lanes, block, 4 * w + 1, d * <f32>(((word >> 2) & 14) | 1), d8Of(w, 1), out + 64);
      sixteen(lanes, block, 4 * w + 2, d * <f32>(((word >> 5) & 14) | 1), d8Of(w, 2), out + 128);
      sixteen(lanes, block, 4 * w + 3, d * <f32>(((word >> 8) & 14) | 1), d8Of(w, 3), out + 192);
      out += 256;
    }
  }
}

/** As IQ1_S's: codes 8 * (grid lane) + delta sign, scales 2 s + 1 per 16 values and d / 8. */
export function unpackIQ1_M(block: usize): void {
  for (let k = 0; k < 32; k++) {
    const h = nibble(block, k);
    const grid = <i32>load<u8>(block + <usize>k) | ((h & 7) << 8);
    for (let j = 0; j < 8; j++) setCode(8 * k + j, 8 * iq1Lane(grid, j) + (h & 8 ? -1 : 1));
  }
  for (let k = 0; k < 16; k++) setScale(k, scale(block, k), 0);
  setD(0, superScale(block) * <f32>0.125, 0);
}

// Three levels each, in 16 bytes: the neighbour search loads them as one vector.
const X_P = memory.data(16, 16);
const X_M = memory.data(16, 16);
const SHIFTS = memory.data(16);
const MASKS: StaticArray<u8> = [0x00, 0x80, 0x08, 0x88];
const SUMQX = memory.data(16, 16);
const SUMQ2 = memory.data(16, 16);
const RUN_LEVELS = memory.data(6 * 16, 16);
const INDEX = memory.data(4);
// Per run r and sorted value j, the four candidates' terms w q x and w q q (SIMD builds).
const TERMS = memory.data(3 * 16 * 32, 16);

// Adds run r (0, 1, 2: the level) of the sorted values [from, to) to the four (delta sign of the
// first 8, of the last 8) candidates' sums, in ggml's order.
// @ts-ignore: decorator
@inline function addRun(xb: usize, weight: usize, from: i32, to: i32, r: i32): void {
  const p = load<f32>(X_P + (<usize>r << 2)), m = load<f32>(X_M + (<usize>r << 2));
  for (let j = from; j < to; j++) {
    const i = load<i32>(ORDER + (<usize>j << 2));
    const w = load<f32>(weight + (<usize>i << 2)), v = load<f32>(xb + (<usize>i << 2));
    // Candidates 0: +, + / 1: +, - / 2: -, + / 3: -, - (first half, second half).
    const first = i < 8;
    const a = first ? p : p, bq = first ? p : m, c = first ? m : p;
    store<f32>(SUMQX, load<f32>(SUMQX) + w * a * v);
    store<f32>(SUMQX, load<f32>(SUMQX, 4) + w * bq * v, 4);
    store<f32>(SUMQX, load<f32>(SUMQX, 8) + w * c * v, 8);
    store<f32>(SUMQX, load<f32>(SUMQX, 12) + w * m * v, 12);
    store<f32>(SUMQ2, load<f32>(SUMQ2) + w * a * a);
    store<f32>(SUMQ2, load<f32>(SUMQ2, 4) + w * bq * bq, 4);
    store<f32>(SUMQ2, load<f32>(SUMQ2, 8) + w * c * c, 8);
    store<f32>(SUMQ2, load<f32>(SUMQ2, 12) + w * m * m, 12);
  }
}

// The best split so far of a 16-value block: its score and scale, its split points and candidate.
let splitBest: f32 = 0, splitScale: f32 = 0;
let splitI1 = -1, splitI2 = -1, splitK = -1;

// Takes split (i1, i2) of the four candidates' sums at SUMQX, SUMQ2 where it beats the best, in ggml's order.
// @ts-ignore: decorator
@inline function pickSplit(i1: i32, i2: i32): void {
  for (let k = 0; k < 4; k++) {
    const qx = load<f32>(SUMQX + (<usize>k << 2)), q2 = load<f32>(SUMQ2 + (<usize>k << 2));
    if (q2 > 0 && qx * qx > splitBest * q2) {
      splitScale = qx / q2;
      splitBest = splitScale * qx;
      splitI1 = i1;
      splitI2 = i2;
      splitK = k;
    }
  }
}

// The levels of half k (0, 1) of a 16-value block under candidate `shift`.
// @ts-ignore: decorator
@inline function halfLevels(shift: i32, k: i32): usize {
  return k == 0 ? (shift < 2 ? X_P : X_M) : (shift % 2 == 0 ? X_P : X_M);
}

// ggml's quantizer, importance-weighted (qw) or with weights x^2 (qw 0): per 16 values the best split
// of the sorted values into levels -1, 0, 1 with a delta sign per 8, groups of 8 onto the grid, then
// the super-block scale fitted once more over all of them.
export function quantizeIQ1_M(x: usize, out: usize, blocks: i32, qw: usize): void {
  setLevels(X_P, X_M);
  // Per run r, the four candidates' levels for a value of the first half (+, +, -, -) and of the
  // second (+, -, +, -), as addRun picks them.
  for (let r = 0; r < 3; r++) {
    const p = load<f32>(X_P + (<usize>r << 2)), m = load<f32>(X_M + (<usize>r << 2));
    const at = RUN_LEVELS + (<usize>(2 * r) << 4);
    store<f32>(at, p); store<f32>(at, p, 4); store<f32>(at, m, 8); store<f32>(at, m, 12);
    store<f32>(at, p, 16); store<f32>(at, m, 20); store<f32>(at, p, 24); store<f32>(at, m, 28);
  }
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * IQ1_M_BYTES;
    memory.fill(dst, 0, IQ1_M_BYTES);
    const sigma2: f32 = 2 * sumSquares(src, 256) / 256;
    let maxScale: f32 = 0;
    for (let ib = 0; ib < 16; ib++) {
      const xb = src + (<usize>ib << 6);
      weights16(xb, qw ? qw + (<usize>(256 * b + 16 * ib) << 2) : 0, sigma2);
      store<f32>(SCALES + (<usize>ib << 2), 0);
      store<i8>(SHIFTS + <usize>ib, 0);
      let m = abs(load<f32>(xb));
      for (let i = 1; i < 16; i++) m = m > abs(load<f32>(xb + (<usize>i << 2))) ? m : abs(load<f32>(xb + (<usize>i << 2)));
      if (m < 1e-7) continue;
      sortOrder(xb, 16);
      splitBest = -f32.MAX_VALUE;
      splitScale = m;
      splitI1 = splitI2 = splitK = -1;
      if (ASC_FEATURE_SIMD) {
        // The four candidates' sums as four lanes, each value's terms w q x and w q q (its level by
        // run r = 0, 1, 2) made once. Every split sums its 16 terms in the sorted order, as addRun
        // does; splits with the same first i2 terms share that partial sum, so only the run of
        // level 2 after it is summed anew (about 6 terms a split where there were 16).
        for (let j = 0; j < 16; j++) {
          const i = load<i32>(ORDER + (<usize>j << 2));
          const w = f32x4.splat(load<f32>(WEIGHTS + (<usize>i << 2))), v = f32x4.splat(load<f32>(xb + (<usize>i << 2)));
          for (let r = 0; r < 3; r++) {
            const q = v128.load(RUN_LEVELS + (<usize>(2 * r + (i < 8 ? 0 : 1)) << 4));
            const wq = f32x4.mul(w, q), at = TERMS + (<usize>(16 * r + j) << 5);
            v128.store(at, f32x4.mul(wq, v));
            v128.store(at, f32x4.mul(wq, q), 16);
          }
        }
        let lowX = f32x4.splat(0), low2 = lowX;
        for (let i1 = 0; i1 <= 16; i1++) {
          let midX = lowX, mid2 = low2;
          for (let i2 = i1; i2 <= 16; i2++) {
            let sqx = midX, sq2 = mid2;
            for (let j = i2; j < 16; j++) {
              const at = TERMS + (<usize>(32 + j) << 5);
              sqx = f32x4.add(sqx, v128.load(at));
              sq2 = f32x4.add(sq2, v128.load(at, 16));
            }
            if (i2 < 16) {
              const at = TERMS + (<usize>(16 + i2) << 5);
              midX = f32x4.add(midX, v128.load(at));
              mid2 = f32x4.add(mid2, v128.load(at, 16));
            }
            // None beating the best now: the ordered look would take none either.
            if (!v128.any_true(v128.and(f32x4.gt(sq2, f32x4.splat(0)), f32x4.gt(f32x4.mul(sqx, sqx), f32x4.mul(f32x4.splat(splitBest), sq2))))) continue;
            v128.store(SUMQX, sqx);
            v128.store(SUMQ2, sq2);
            pickSplit(i1, i2);
          }
          if (i1 < 16) {
            const at = TERMS + (<usize>i1 << 5);
            lowX = f32x4.add(lowX, v128.load(at));
            low2 = f32x4.add(low2, v128.load(at, 16));
          }
        }
      } else {
        for (let i1 = 0; i1 <= 16; i1++) {
          for (let i2 = i1; i2 <= 16; i2++) {
            memory.fill(SUMQX, 0, 16);
            memory.fill(SUMQ2, 0, 16);
            addRun(xb, WEIGHTS, 0, i1, 0);
            addRun(xb, WEIGHTS, i1, i2, 1);
            addRun(xb, WEIGHTS, i2, 16, 2);
            pickSplit(i1, i2);
          }
        }
      }
      let scale = splitScale, b1 = splitI1, b2 = splitI2, bk = splitK;
      if (b1 < 0 || b2 < 0 || bk < 0) continue;
      for (let j = 0; j < 16; j++) store<i8>(LBEST + <usize>load<i32>(ORDER + (<usize>j << 2)), <i8>(j < b1 ? 0 : j < b2 ? 1 : 2));
      if (scale < 0) {
        for (let j = 0; j < 16; j++) store<i8>(LBEST + <usize>j, <i8>(2 - load<i8>(LBEST + <usize>j)));
        scale = -scale;
        bk = 3 - bk;
      }
      let onGrid = true;
      for (let k = 0; k < 2; k++) {
        let gi = lookup(pointOf(LBEST + <usize>(8 * k)));
        if (gi < 0) {
          onGrid = false;
          gi = max(0, bestNeighbour(gi, xb + (<usize>k << 5), WEIGHTS + (<usize>k << 5), scale, halfLevels(bk, k), LBEST + <usize>(8 * k)));
        }
        store<u16>(INDEX + (<usize>k << 1), <u16>gi);
      }
      if (!onGrid) scale = refitIq1(2, xb, WEIGHTS, INDEX, halfLevels(bk, 0), halfLevels(bk, 1), scale);
      const i0 = <i32>load<u16>(INDEX), i1x = <i32>load<u16>(INDEX, 2);
      store<u8>(dst + <usize>(2 * ib), <u8>i0);
      store<u8>(dst + <usize>(2 * ib + 1), <u8>i1x);
      store<u8>(dst + 32 + <usize>ib, <u8>((i0 >> 8) | ((i1x >> 8) << 4)));
      checkScale(scale);
      store<f32>(SCALES + (<usize>ib << 2), scale);
      store<i8>(SHIFTS + <usize>ib, <i8>bk);
      maxScale = maxScale > scale ? maxScale : scale;
    }
    if (maxScale == 0) continue;
    let d: f32 = maxScale / 15;
    const id: f32 = 1 / d;
    let qx: f32 = 0, q2: f32 = 0;
    for (let ib = 0; ib < 16; ib++) {
      const l = max(0, min(7, nearestInt(<f32>0.5 * (id * load<f32>(SCALES + (<usize>ib << 2)) - 1))));
      const sc = dst + 48 + (<usize>(ib >> 2) << 1);
      store<u16>(sc, load<u16>(sc) | <u16>(l << (3 * (ib & 3))));
      const shift = <i32>load<i8>(SHIFTS + <usize>ib);
      const h = dst + 32 + <usize>ib;
      store<u8>(h, load<u8>(h) | unchecked(MASKS[shift]));
      const xb = src + (<usize>ib << 6);
      weights16(xb, qw ? qw + (<usize>(256 * b + 16 * ib) << 2) : 0, sigma2);
      for (let k = 0; k < 2; k++) {
        const xx = halfLevels(shift, k);
        const gi = <i32>load<u8>(dst + <usize>(2 * ib + k)) + ((<i32>load<u8>(h) << (8 - 4 * k)) & 0x700);
        for (let j = 0; j < 8; j++) {
          const w = load<f32>(WEIGHTS + (<usize>(8 * k + j) << 2));
          const q = load<f32>(xx + (<usize>((level(gi, j) - 1) >> 1) << 2)) * <f32>(l * 2 + 1);
          qx += w * q * load<f32>(xb + (<usize>(8 * k + j) << 2));
          q2 += w * q * q;
        }
      }
    }
    if (q2 > 0) d = qx / q2;
    storeF16(SCALE_BITS, d * <f32>1.1125);
    const s = <i32>load<u16>(SCALE_BITS);
    const sc = dst + 48;
    store<u16>(sc, load<u16>(sc) | <u16>((s & 0x000f) << 12));
    store<u16>(sc, load<u16>(sc, 2) | <u16>((s & 0x00f0) << 8), 2);
    store<u16>(sc, load<u16>(sc, 4) | <u16>((s & 0x0f00) << 4), 4);
    store<u16>(sc, load<u16>(sc, 6) | <u16>(s & 0xf000), 6);
  }
}

const SCALE_BITS = memory.data(2);

// Weights of 16 values (qw * sqrt(sigma2 + x^2), or x^2 without qw) at WEIGHTS.
// @ts-ignore: decorator
@inline function weights16(xb: usize, qw: usize, sigma2: f32): void {
  if (qw) importance(xb, qw, sigma2, 16, WEIGHTS);
  else for (let i = 0; i < 16; i++) store<f32>(WEIGHTS + (<usize>i << 2), load<f32>(xb + (<usize>i << 2)) * load<f32>(xb + (<usize>i << 2)));
}
