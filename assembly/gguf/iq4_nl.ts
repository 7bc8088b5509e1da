// IQ4_NL: blocks of 32 values: fp16 d, then 16 bytes of 4-bit indices into a fixed non-linear
// codebook (value j low nibble, j + 16 high nibble); x = d * codebook[index].
import { fourFrom, highNibbles, loadF16, lookup16, lowNibbles, nearestInt, storeF16, storeScaled16 } from "./common";
import { CODES, GROUP_MAX_EPS, importance, SCALES, sumSquares, WEIGHTS } from "./fit";
import { setD, setNibbleCodes } from "./unpacked";

export const IQ4_NL_BYTES = 18;

// The IQ4_NL / IQ4_XS codebook (ggml's kvalues_iq4nl).
export const IQ4_CODEBOOK: StaticArray<i8> = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113];

/** 32 values from 16 bytes of codebook indices, scaled by d. */
// @ts-ignore: decorator
@inline export function dequantizeIq4Run(q: usize, d: f32, out: usize): void {
  if (ASC_FEATURE_SIMD) {
    // The codebook looked up 16 at a time; d * value rounds once either way.
    const t = v128.load(changetype<usize>(IQ4_CODEBOOK)), v = v128.load(q), vd = f32x4.splat(d);
    storeScaled16(out, lookup16(t, lowNibbles(v)), vd);
    storeScaled16(out + 64, lookup16(t, highNibbles(v)), vd);
    return;
  }
  for (let j = 0; j < 16; j++) {
    const c = <i32>load<u8>(q + <usize>j);
    store<f32>(out + (<usize>j << 2), d * <f32>unchecked(IQ4_CODEBOOK[c & 0xf]));
    store<f32>(out + (<usize>(j + 16) << 2), d * <f32>unchecked(IQ4_CODEBOOK[c >> 4]));
  }
}

export function dequantizeIQ4_NL(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ4_NL_BYTES;
    dequantizeIq4Run(block + 2, loadF16(block), y + (<usize>b << 7));
  }
}

// The codebook index nearest to v (ggml's best_index_int8: bisection, ties to the upper entry).
// @ts-ignore: decorator
@inline function bestIndex(v: f32): i32 {
  if (v <= <f32>unchecked(IQ4_CODEBOOK[0])) return 0;
  if (v >= <f32>unchecked(IQ4_CODEBOOK[15])) return 15;
  let lo = 0, hi = 15;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (v < <f32>unchecked(IQ4_CODEBOOK[mid])) hi = mid;
    else lo = mid;
  }
  return v - <f32>unchecked(IQ4_CODEBOOK[hi - 1]) < <f32>unchecked(IQ4_CODEBOOK[hi]) - v ? hi - 1 : hi;
}

// 1 + the count of entries 1..14 at or below v, per lane: bestIndex's bisection ends between entries
// hi - 1 and hi (v at or past either end comes out as entry 0 or 15 by the comparison that follows).
// Counted from v's bucket of 16, t = (v + 128) / 16: the entries below the bucket, plus those of its
// (at most two) at or below v, held as entry + 128 against v + 128 (255: none). Where that sum rounds
// v onto an entry from below, the count takes the pair above, whose nearer entry is the same one.
// @ts-ignore: decorator
@inline function upperEntry4(v: v128): v128 {
  const below = v128(1, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 15);
  const first = v128(<u8>255, 24, 45, 63, 79, 93, 106, 118, <u8>129, <u8>153, <u8>166, <u8>181, <u8>197, <u8>217, <u8>255, <u8>255);
  const second = v128(<u8>255, <u8>255, <u8>255, <u8>255, <u8>255, <u8>255, <u8>255, <u8>255, <u8>141, <u8>255, <u8>255, <u8>255, <u8>255, <u8>255, <u8>255, <u8>255);
  const shifted = f32x4.add(v, f32x4.splat(128)), capped = f32x4.pmin(shifted, f32x4.splat(254));
  const t = i32x4.min_s(i32x4.max_s(i32x4.trunc_sat_f32x4_s(f32x4.mul(shifted, f32x4.splat(0.0625))), i32x4.splat(0)), i32x4.splat(15));
  const at = v128.or(t, i32x4.splat(0xffffff00));
  const c1 = f32x4.le(f32x4.convert_i32x4_u(i8x16.swizzle(first, at)), capped);
  const c2 = f32x4.le(f32x4.convert_i32x4_u(i8x16.swizzle(second, at)), capped);
  return i32x4.sub(i32x4.sub(i8x16.swizzle(below, at), c1), c2);
}

// Entries i (i32 lanes 0..15) of the codebook as floats.
// @ts-ignore: decorator
@inline function entries4(book: v128, i: v128): v128 {
  return f32x4.convert_i32x4_s(i32x4.shr_s(i32x4.shl(i8x16.swizzle(book, v128.or(i, i32x4.splat(0xffffff00))), 24), 24));
}

// The codebook entries bestIndex picks for four values.
// @ts-ignore: decorator
@inline function nearestEntry4(book: v128, v: v128): v128 {
  const hi = upperEntry4(v);
  const a = entries4(book, i32x4.sub(hi, i32x4.splat(1))), b = entries4(book, hi);
  return v128.bitselect(a, b, f32x4.lt(f32x4.sub(v, a), f32x4.sub(b, v)));
}

// bestIndex of four values, as four bytes at out (NaN, as bestIndex takes it: 15).
// @ts-ignore: decorator
@inline function storeBestIndex4(book: v128, v: v128, out: usize): void {
  const hi = upperEntry4(v), lo = i32x4.sub(hi, i32x4.splat(1));
  const a = entries4(book, lo), b = entries4(book, hi);
  let i = v128.bitselect(lo, hi, f32x4.lt(f32x4.sub(v, a), f32x4.sub(b, v)));
  i = v128.bitselect(i, i32x4.splat(15), f32x4.eq(v, v));
  const z = i32x4.splat(0);
  v128.store32_lane(out, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(i, z), z), 0);
}

// bestIndex of the n values at x (a multiple of 4) scaled by s, as bytes at out.
function storeBestIndices(x: usize, s: f32, n: i32, out: usize): void {
  if (ASC_FEATURE_SIMD) {
    const book = v128.load(changetype<usize>(IQ4_CODEBOOK)), vs = f32x4.splat(s);
    for (let j = 0; j < n; j += 4) storeBestIndex4(book, f32x4.mul(vs, v128.load(x + (<usize>j << 2))), out + <usize>j);
    return;
  }
  for (let j = 0; j < n; j++) store<u8>(out + <usize>j, <u8>bestIndex(s * load<f32>(x + (<usize>j << 2))));
}

// Four candidates' sums (sumqx, then sumq2).
const IQ4_LANES = memory.data(32, 16);

/**
 * ggml's IQ4 quantizer for one super-block of `size` values at x (32 for IQ4_NL, 256 for IQ4_XS):
 * per 32 values the scale that best fits the codebook (weighted by qw * sqrt(sigma2 + x^2), or by x^2
 * where qw is 0), searched over 2 ntry + 1 candidates; IQ4_XS then codes the scales in 6 bits.
 * Writes the fp16 d at dst and the codes at q4; IQ4_XS's scale bits at scales (2 + 4 bytes).
 */
export function quantizeIq4(size: i32, x: usize, dst: usize, q4: usize, scales: usize, qw: usize, ntry: i32): void {
  const v0 = <f32>unchecked(IQ4_CODEBOOK[0]);
  const sigma2: f32 = sumSquares(x, size) * (<f32>2 / <f32>size);
  const runs = size >> 5;
  memory.fill(q4, 0, size >> 1);
  let maxScale: f32 = 0, amaxScale: f32 = 0;
  for (let ib = 0; ib < runs; ib++) {
    const xb = x + (<usize>ib << 7), Lb = CODES + (<usize>ib << 5);
    if (qw) importance(xb, qw + (<usize>ib << 7), sigma2, 32, WEIGHTS);
    else for (let j = 0; j < 32; j++) store<f32>(WEIGHTS + (<usize>j << 2), load<f32>(xb + (<usize>j << 2)) * load<f32>(xb + (<usize>j << 2)));
    let amax: f32 = 0, m: f32 = 0;
    for (let j = 0; j < 32; j++) {
      const v = load<f32>(xb + (<usize>j << 2));
      if (abs(v) > amax) {
        amax = abs(v);
        m = v;
      }
    }
    if (amax < GROUP_MAX_EPS) {
      store<f32>(SCALES + (<usize>ib << 2), 0);
      memory.fill(Lb, 8, 32); // the entry nearest 0; ggml's reference leaves these codes unset
      continue;
    }
    let d: f32 = ntry > 0 ? -m / v0 : m / v0;
    let id: f32 = 1 / d;
    let sumqx: f32 = 0, sumq2: f32 = 0;
    storeBestIndices(xb, id, 32, Lb);
    for (let j = 0; j < 32; j++) {
      const v = load<f32>(xb + (<usize>j << 2)), w = load<f32>(WEIGHTS + (<usize>j << 2));
      const q = <f32>unchecked(IQ4_CODEBOOK[load<u8>(Lb + <usize>j)]);
      sumqx += w * q * v;
      sumq2 += w * q * q;
    }
    d = sumq2 > 0 ? sumqx / sumq2 : 0;
    let best = d * sumqx;
    let t = -ntry;
    if (ASC_FEATURE_SIMD) {
      // Four candidate scales at once, a lane each, in the scalar loop's order; then tried in order.
      const book = v128.load(changetype<usize>(IQ4_CODEBOOK));
      for (; t <= ntry; t += 4) {
        const ids = f32x4.div(f32x4.convert_i32x4_s(fourFrom(t + <i32>unchecked(IQ4_CODEBOOK[0]))), f32x4.splat(m));
        let sqx = f32x4.splat(0), sq2 = f32x4.splat(0);
        for (let j = 0; j < 32; j++) {
          const v = f32x4.splat(load<f32>(xb + (<usize>j << 2))), w = f32x4.splat(load<f32>(WEIGHTS + (<usize>j << 2)));
          const q = nearestEntry4(book, f32x4.mul(ids, v));
          const wq = f32x4.mul(w, q);
          sqx = f32x4.add(sqx, f32x4.mul(wq, v));
          sq2 = f32x4.add(sq2, f32x4.mul(wq, q));
        }
        v128.store(IQ4_LANES, sqx);
        v128.store(IQ4_LANES, sq2, 16);
        for (let k = 0; k < 4 && t + k <= ntry; k++) {
          const a = load<f32>(IQ4_LANES + (<usize>k << 2)), b = load<f32>(IQ4_LANES + 16 + (<usize>k << 2));
          if (b > 0 && a * a > best * b) {
            d = a / b;
            best = d * a;
          }
        }
      }
    }
    for (; t <= ntry; t++) {
      id = <f32>(t + <i32>unchecked(IQ4_CODEBOOK[0])) / m;
      sumqx = 0;
      sumq2 = 0;
      for (let j = 0; j < 32; j++) {
        const v = load<f32>(xb + (<usize>j << 2)), w = load<f32>(WEIGHTS + (<usize>j << 2));
        const q = <f32>unchecked(IQ4_CODEBOOK[bestIndex(id * v)]);
        sumqx += w * q * v;
        sumq2 += w * q * q;
      }
      if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
        d = sumqx / sumq2;
        best = d * sumqx;
      }
    }
    store<f32>(SCALES + (<usize>ib << 2), d);
    if (abs(d) > amaxScale) {
      amaxScale = abs(d);
      maxScale = d;
    }
  }
  if (runs > 1) {
    store<u16>(scales, 0);
    const d: f32 = -maxScale / 32;
    storeF16(dst, d);
    const id: f32 = d != 0 ? 1 / d : 0;
    let high: u32 = 0;
    for (let ib = 0; ib < runs; ib++) {
      let l = max(-32, min(31, nearestInt(id * load<f32>(SCALES + (<usize>ib << 2)))));
      const dl = d * <f32>l;
      const idl: f32 = dl != 0 ? 1 / dl : 0;
      const xb = x + (<usize>ib << 7), Lb = CODES + (<usize>ib << 5);
      storeBestIndices(xb, idl, 32, Lb);
      l += 32;
      const low = scales + 2 + <usize>(ib >> 1);
      if ((ib & 1) == 0) store<u8>(low, <u8>(l & 0xf));
      else store<u8>(low, load<u8>(low) | <u8>((l & 0xf) << 4));
      high |= <u32>(l >> 4) << (2 * (ib & 7));
    }
    store<u16>(scales, <u16>high);
  } else {
    const s = load<f32>(SCALES);
    storeF16(dst, s);
    if (ntry > 0) {
      const id: f32 = s != 0 ? 1 / s : 0;
      storeBestIndices(x, id, size, CODES);
    }
  }
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < 16; j++) store<u8>(q4 + <usize>(16 * i + j), load<u8>(CODES + <usize>(32 * i + j)) | (load<u8>(CODES + <usize>(32 * i + 16 + j)) << 4));
  }
}

// Reference (qw 0, no scale search) or importance-weighted; qw holds one weight per value of the blocks.
export function quantizeIQ4_NL(x: usize, out: usize, blocks: i32, qw: usize): void {
  for (let b = 0; b < blocks; b++) {
    const dst = out + <usize>b * IQ4_NL_BYTES;
    quantizeIq4(32, x + (<usize>b << 7), dst, dst + 2, 0, qw ? qw + (<usize>b << 7) : 0, qw ? 7 : -1);
  }
}

/** Codebook indices and d, for the dot-product packer. */
export function unpackIQ4_NL(block: usize): void {
  setNibbleCodes(block + 2, 0);
  setD(0, loadF16(block), 0);
}
