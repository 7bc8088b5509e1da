// The scale searches of ggml's K-quant and importance-weighted quantizers (make_qx_quants,
// make_q3_quants, make_qkx2/3_quants, make_qp_quants in ggml's terms). The chosen codes decide the
// bytes, and rare blocks sit on a knife edge between two candidates, so every float operation here
// keeps ggml's order and grouping: (w * x) * l, never w * (x * l).
import { fourFrom, nearestInt, nearestInt4 } from "./common";

export const GROUP_MAX_EPS: f32 = 1e-15;

// Scratch for one super-block: the quantizers run one block at a time and never re-enter.
export const CODES = memory.data(256);
const CODES_AUX = memory.data(32); // fitAffine's candidate codes
export const WEIGHTS = memory.data(128 << 2); // four groups of up to 32, for fitAffineFour
export const SCALES = memory.data(16 << 2);
export const MINS = memory.data(16 << 2);
export const SUM_WEIGHTS = memory.data(16 << 2);
export const SCALE_CODES = memory.data(16);
export const MIN_CODES = memory.data(16);

// fitSymmetric's four vectors of sums; the groups fitAffineFour and fitSymmetricFour take, transposed
// (value i of the four in one vector: x, weights, a candidate's codes; n <= 32, as every caller has).
const LANE_RESULTS = memory.data(64, 16);
const LANE_X = memory.data(32 * 16, 16);
const LANE_W = memory.data(32 * 16, 16);
const LANE_CODES = memory.data(32 * 16, 16);

/** The offset the last fitAffine chose, as a positive number to subtract (ggml's the_min). */
let fitMin: f32 = 0;

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function code(p: usize, i: i32): f32 {
  return <f32>load<u8>(p + <usize>i);
}

// @ts-ignore: decorator
@inline function clamp(v: i32, lo: i32, hi: i32): i32 {
  return max(lo, min(hi, v));
}

/** The value of largest magnitude, the first such (ggml: `if (ax > amax) { amax = ax; max = x; }`). */
// @ts-ignore: decorator
@inline function firstLargest(x: usize, n: i32): f32 {
  let amax: f32 = 0, m: f32 = 0;
  for (let i = 0; i < n; i++) {
    const v = at(x, i);
    if (abs(v) > amax) {
      amax = abs(v);
      m = v;
    }
  }
  return m;
}

/**
 * Symmetric codes nmax + [-nmax, nmax - 1] (bytes at L) and the least-squares scale, weights qw (or
 * x * x where qw is 0), trying 18 scales around nmax / max.
 */
export function fitSymmetric(n: i32, nmax: i32, x: usize, L: usize, qw: usize): f32 {
  const m = firstLargest(x, n);
  if (abs(m) < GROUP_MAX_EPS) {
    memory.fill(L, 0, n);
    return 0;
  }
  let iscale: f32 = <f32>(-nmax) / m;
  let sumlx: f32 = 0, suml2: f32 = 0;
  for (let i = 0; i < n; i++) {
    const v = at(x, i);
    const l = clamp(nearestInt(iscale * v), -nmax, nmax - 1);
    store<u8>(L + <usize>i, <u8>(l + nmax));
    const w = qw ? at(qw, i) : v * v;
    sumlx += w * v * <f32>l;
    suml2 += w * <f32>l * <f32>l;
  }
  let scale: f32 = suml2 != 0 ? sumlx / suml2 : 0;
  let best = scale * sumlx;
  const tenth: f32 = 0.1;
  if (ASC_FEATURE_SIMD) {
    // The 18 candidates (is = -9..9 but 0) four at a time, a lane each in the scalar loop's order,
    // then compared in order; an accepted one's codes are made again, as the scalar loop makes them.
    const vm = f32x4.splat(m), lo = i32x4.splat(-nmax), hi = i32x4.splat(nmax - 1);
    for (let c = 0; c < 18; c += 4) {
      let isi = fourFrom(c - 9);
      isi = i32x4.sub(isi, i32x4.ge_s(isi, i32x4.splat(0)));
      const isc = f32x4.div(f32x4.neg(f32x4.add(f32x4.splat(<f32>nmax), f32x4.mul(f32x4.splat(tenth), f32x4.convert_i32x4_s(isi)))), vm);
      let slx = f32x4.splat(0), sl2 = f32x4.splat(0);
      for (let i = 0; i < n; i++) {
        const v = at(x, i), vv = f32x4.splat(v);
        const l = f32x4.convert_i32x4_s(symmetricCodes(isc, vv, lo, hi));
        const w = f32x4.splat(qw ? at(qw, i) : v * v);
        slx = f32x4.add(slx, f32x4.mul(f32x4.mul(w, vv), l));
        sl2 = f32x4.add(sl2, f32x4.mul(f32x4.mul(w, l), l));
      }
      v128.store(LANE_RESULTS, slx);
      v128.store(LANE_RESULTS, sl2, 16);
      for (let k = 0; k < 4 && c + k < 18; k++) {
        const lx = load<f32>(LANE_RESULTS + (<usize>k << 2)), l2 = load<f32>(LANE_RESULTS + 16 + (<usize>k << 2));
        if (l2 > 0 && lx * lx > best * l2) {
          const is = c + k < 9 ? c + k - 9 : c + k - 8;
          const iscaleIs = -(<f32>nmax + tenth * <f32>is) / m;
          for (let i = 0; i < n; i++) store<u8>(L + <usize>i, <u8>(nmax + clamp(nearestInt(iscaleIs * at(x, i)), -nmax, nmax - 1)));
          scale = lx / l2;
          best = scale * lx;
        }
      }
    }
    return scale;
  }
  for (let is = -9; is <= 9; is++) {
    if (is == 0) continue;
    iscale = -(<f32>nmax + tenth * <f32>is) / m;
    sumlx = 0;
    suml2 = 0;
    for (let i = 0; i < n; i++) {
      const v = at(x, i);
      const l = clamp(nearestInt(iscale * v), -nmax, nmax - 1);
      const w = qw ? at(qw, i) : v * v;
      sumlx += w * v * <f32>l;
      suml2 += w * <f32>l * <f32>l;
    }
    if (suml2 > 0 && sumlx * sumlx > best * suml2) {
      for (let i = 0; i < n; i++) store<u8>(L + <usize>i, <u8>(nmax + clamp(nearestInt(iscale * at(x, i)), -nmax, nmax - 1)));
      scale = sumlx / suml2;
      best = scale * sumlx;
    }
  }
  return scale;
}

/**
 * fitSymmetric of `groups` (1 to 4) consecutive groups of n values at x (importance weights likewise
 * at qw, or 0), codes to L + k n, scales to scales[k]; SIMD builds fit the groups in lanes, as
 * fitAffineFour does (each lane the scalar search's floats, an accepted candidate a select).
 */
export function fitSymmetricFour(groups: i32, n: i32, nmax: i32, x: usize, L: usize, qw: usize, scales: usize): void {
  if (!ASC_FEATURE_SIMD) {
    for (let k = 0; k < groups; k++) {
      const at = <usize>(k * n);
      store<f32>(scales + (<usize>k << 2), fitSymmetric(n, nmax, x + (at << 2), L + at, qw ? qw + (at << 2) : 0));
    }
    return;
  }
  transposeGroups(x, n, groups, LANE_X);
  if (qw) transposeGroups(qw, n, groups, LANE_W);
  const zero = f32x4.splat(0), lo = i32x4.splat(-nmax), hi = i32x4.splat(nmax - 1);
  let amax = zero, m = zero;
  for (let i = 0; i < n; i++) {
    const v = v128.load(LANE_X + (<usize>i << 4)), a = f32x4.abs(v);
    const larger = f32x4.gt(a, amax);
    amax = v128.bitselect(a, amax, larger);
    m = v128.bitselect(v, m, larger);
    if (!qw) v128.store(LANE_W + (<usize>i << 4), f32x4.mul(v, v));
  }
  const tiny = f32x4.lt(f32x4.abs(m), f32x4.splat(GROUP_MAX_EPS));
  let bestIscale = f32x4.div(f32x4.splat(<f32>(-nmax)), m);
  let slx = zero, sl2 = zero;
  for (let i = 0; i < n; i++) {
    const v = v128.load(LANE_X + (<usize>i << 4)), w = v128.load(LANE_W + (<usize>i << 4));
    const l = f32x4.convert_i32x4_s(symmetricCodes(bestIscale, v, lo, hi));
    slx = f32x4.add(slx, f32x4.mul(f32x4.mul(w, v), l));
    sl2 = f32x4.add(sl2, f32x4.mul(f32x4.mul(w, l), l));
  }
  let scale = v128.and(f32x4.div(slx, sl2), f32x4.ne(sl2, zero));
  let best = f32x4.mul(scale, slx);
  const tenth: f32 = 0.1;
  for (let is = -9; is <= 9; is++) {
    if (is == 0) continue;
    const isc = f32x4.div(f32x4.splat(-(<f32>nmax + tenth * <f32>is)), m);
    slx = zero;
    sl2 = zero;
    for (let i = 0; i < n; i++) {
      const v = v128.load(LANE_X + (<usize>i << 4)), w = v128.load(LANE_W + (<usize>i << 4));
      const l = f32x4.convert_i32x4_s(symmetricCodes(isc, v, lo, hi));
      slx = f32x4.add(slx, f32x4.mul(f32x4.mul(w, v), l));
      sl2 = f32x4.add(sl2, f32x4.mul(f32x4.mul(w, l), l));
    }
    const take = v128.and(f32x4.gt(sl2, zero), f32x4.gt(f32x4.mul(slx, slx), f32x4.mul(best, sl2)));
    const s = f32x4.div(slx, sl2);
    scale = v128.bitselect(s, scale, take);
    best = v128.bitselect(f32x4.mul(s, slx), best, take);
    bestIscale = v128.bitselect(isc, bestIscale, take);
  }
  const bias = i32x4.splat(nmax);
  for (let i = 0; i < n; i += 4) {
    const v = LANE_X + (<usize>i << 4);
    const c0 = i32x4.add(symmetricCodes(bestIscale, v128.load(v), lo, hi), bias);
    const c1 = i32x4.add(symmetricCodes(bestIscale, v128.load(v, 16), lo, hi), bias);
    const c2 = i32x4.add(symmetricCodes(bestIscale, v128.load(v, 32), lo, hi), bias);
    const c3 = i32x4.add(symmetricCodes(bestIscale, v128.load(v, 48), lo, hi), bias);
    storeCodesFour(L + <usize>i, n, groups, c0, c1, c2, c3, tiny);
  }
  v128.store(LANE_RESULTS, v128.andnot(scale, tiny));
  for (let k = 0; k < groups; k++) store<f32>(scales + (<usize>k << 2), load<f32>(LANE_RESULTS + (<usize>k << 2)));
}

/** Q3_K's reference fit: symmetric codes refined one at a time, weights x * x (codes at L, biased by nmax). */
export function fitSymmetricRefined(n: i32, nmax: i32, x: usize, L: usize): f32 {
  const m = firstLargest(x, n);
  if (abs(m) < GROUP_MAX_EPS) {
    memory.fill(L, 0, n);
    return 0;
  }
  const iscale: f32 = <f32>(-nmax) / m;
  let sumlx: f32 = 0, suml2: f32 = 0;
  for (let i = 0; i < n; i++) {
    const v = at(x, i);
    const l = clamp(nearestInt(iscale * v), -nmax, nmax - 1);
    store<i8>(L + <usize>i, <i8>l);
    const w = v * v;
    sumlx += w * v * <f32>l;
    suml2 += w * <f32>l * <f32>l;
  }
  for (let tries = 0; tries < 5; tries++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const v = at(x, i);
      const w = v * v;
      const li = <f32>load<i8>(L + <usize>i);
      let slx = sumlx - w * v * li;
      if (slx > 0) {
        let sl2 = suml2 - w * li * li;
        const nl = clamp(nearestInt(v * sl2 / slx), -nmax, nmax - 1);
        if (<f32>nl != li) {
          slx += w * v * <f32>nl;
          sl2 += w * <f32>nl * <f32>nl;
          if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
            store<i8>(L + <usize>i, <i8>nl);
            sumlx = slx;
            suml2 = sl2;
            changed++;
          }
        }
      }
    }
    if (!changed) break;
  }
  for (let i = 0; i < n; i++) store<u8>(L + <usize>i, load<u8>(L + <usize>i) + <u8>nmax);
  return suml2 > 0 ? sumlx / suml2 : 0;
}

/**
 * Affine codes [0, nmax] (bytes at L) with a scale (returned) and an offset <= 0 (fitMin, negated),
 * minimizing the weighted absolute (useMad) or squared error over nstep + 1 candidate scales.
 */
function fitAffine(n: i32, nmax: i32, x: usize, weights: usize, L: usize, rmin: f32, rdelta: f32, nstep: i32, useMad: bool): f32 {
  let lo = at(x, 0), hi = at(x, 0);
  let sumW = at(weights, 0);
  let sumX = sumW * at(x, 0);
  for (let i = 1; i < n; i++) {
    const v = at(x, i);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    const w = at(weights, i);
    sumW += w;
    sumX += w * v;
  }
  if (lo > 0) lo = 0;
  if (hi <= lo) {
    memory.fill(L, 0, n);
    fitMin = -lo;
    return 0;
  }
  let iscale: f32 = <f32>nmax / (hi - lo);
  let scale: f32 = 1 / iscale;
  let bestError: f32 = 0;
  for (let i = 0; i < n; i++) {
    const v = at(x, i);
    const l = clamp(nearestInt(iscale * (v - lo)), 0, nmax);
    store<u8>(L + <usize>i, <u8>l);
    let diff = scale * <f32>l + lo - v;
    diff = useMad ? abs(diff) : diff * diff;
    bestError += at(weights, i) * diff;
  }
  if (nstep < 1) {
    fitMin = -lo;
    return scale;
  }
  for (let is = 0; is <= nstep; is++) {
    iscale = (rmin + rdelta * <f32>is + <f32>nmax) / (hi - lo);
    let sumL: f32 = 0, sumL2: f32 = 0, sumXL: f32 = 0;
    for (let i = 0; i < n; i++) {
      const v = at(x, i);
      const l = clamp(nearestInt(iscale * (v - lo)), 0, nmax);
      store<u8>(CODES_AUX + <usize>i, <u8>l);
      const w = at(weights, i);
      sumL += w * <f32>l;
      sumL2 += w * <f32>l * <f32>l;
      sumXL += w * <f32>l * v;
    }
    const D = sumW * sumL2 - sumL * sumL;
    if (D > 0) {
      let thisScale = (sumW * sumXL - sumX * sumL) / D;
      let thisMin = (sumL2 * sumX - sumL * sumXL) / D;
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = sumXL / sumL2;
      }
      let error: f32 = 0;
      for (let i = 0; i < n; i++) {
        let diff = thisScale * code(CODES_AUX, i) + thisMin - at(x, i);
        diff = useMad ? abs(diff) : diff * diff;
        error += at(weights, i) * diff;
      }
      if (error < bestError) {
        memory.copy(L, CODES_AUX, n);
        bestError = error;
        scale = thisScale;
        lo = thisMin;
      }
    }
  }
  fitMin = -lo;
  return scale;
}

/**
 * fitAffine of `groups` (1 to 4) consecutive groups of n values at x (weights likewise at weights),
 * codes to L + k n, scales to scales[k] and the offsets (fitMin) to mins[k]. SIMD builds fit the
 * groups in the lanes of one vector: each lane takes the scalar search's steps in its order, so its
 * floats are the scalar ones, and an accepted candidate (which moves the offset the later ones use)
 * is a select, where candidates in lanes had to compute again the ones after it (7.5 passes of 4 for
 * Q4_K's 21 candidates, against 21 here).
 */
export function fitAffineFour(groups: i32, n: i32, nmax: i32, x: usize, weights: usize, L: usize, scales: usize, mins: usize, rmin: f32, rdelta: f32, nstep: i32, useMad: bool): void {
  if (!ASC_FEATURE_SIMD) {
    for (let k = 0; k < groups; k++) {
      const at = <usize>(k * n);
      store<f32>(scales + (<usize>k << 2), fitAffine(n, nmax, x + (at << 2), weights + (at << 2), L + at, rmin, rdelta, nstep, useMad));
      store<f32>(mins + (<usize>k << 2), fitMin);
    }
    return;
  }
  transposeGroups(x, n, groups, LANE_X);
  transposeGroups(weights, n, groups, LANE_W);
  const zero = f32x4.splat(0), top = i32x4.splat(nmax), vnmax = f32x4.splat(<f32>nmax);
  let lo = v128.load(LANE_X), hi = lo;
  let sumW = v128.load(LANE_W), sumX = f32x4.mul(sumW, lo);
  for (let i = 1; i < n; i++) {
    const v = v128.load(LANE_X + (<usize>i << 4)), w = v128.load(LANE_W + (<usize>i << 4));
    lo = f32x4.pmin(lo, v);
    hi = f32x4.pmax(hi, v);
    sumW = f32x4.add(sumW, w);
    sumX = f32x4.add(sumX, f32x4.mul(w, v));
  }
  lo = v128.bitselect(zero, lo, f32x4.gt(lo, zero));
  const flat = f32x4.le(hi, lo), flatLo = lo;
  // The codes are made once, at the end, from the accepted candidate's iscale and offset.
  let bestIscale = f32x4.div(vnmax, f32x4.sub(hi, lo)), bestLo = lo;
  let scale = f32x4.div(f32x4.splat(1), bestIscale), bestError = zero;
  for (let i = 0; i < n; i++) {
    const v = v128.load(LANE_X + (<usize>i << 4));
    const l = f32x4.convert_i32x4_s(codesOf(bestIscale, v, lo, top));
    let diff = f32x4.sub(f32x4.add(f32x4.mul(scale, l), lo), v);
    diff = useMad ? f32x4.abs(diff) : f32x4.mul(diff, diff);
    bestError = f32x4.add(bestError, f32x4.mul(v128.load(LANE_W + (<usize>i << 4)), diff));
  }
  for (let is = 0; is <= nstep; is++) {
    const isc = f32x4.div(f32x4.splat(rmin + rdelta * <f32>is + <f32>nmax), f32x4.sub(hi, lo));
    let sL = zero, sL2 = zero, sXL = zero;
    for (let i = 0; i < n; i++) {
      const v = v128.load(LANE_X + (<usize>i << 4)), w = v128.load(LANE_W + (<usize>i << 4));
      const lf = f32x4.convert_i32x4_s(codesOf(isc, v, lo, top));
      v128.store(LANE_CODES + (<usize>i << 4), lf);
      const wl = f32x4.mul(w, lf);
      sL = f32x4.add(sL, wl);
      sL2 = f32x4.add(sL2, f32x4.mul(wl, lf));
      sXL = f32x4.add(sXL, f32x4.mul(wl, v));
    }
    const D = f32x4.sub(f32x4.mul(sumW, sL2), f32x4.mul(sL, sL));
    let ts = f32x4.div(f32x4.sub(f32x4.mul(sumW, sXL), f32x4.mul(sumX, sL)), D);
    let tm = f32x4.div(f32x4.sub(f32x4.mul(sL2, sumX), f32x4.mul(sL, sXL)), D);
    const positive = f32x4.gt(tm, zero);
    ts = v128.bitselect(f32x4.div(sXL, sL2), ts, positive);
    tm = v128.bitselect(zero, tm, positive);
    let err = zero;
    for (let i = 0; i < n; i++) {
      let diff = f32x4.sub(f32x4.add(f32x4.mul(ts, v128.load(LANE_CODES + (<usize>i << 4))), tm), v128.load(LANE_X + (<usize>i << 4)));
      diff = useMad ? f32x4.abs(diff) : f32x4.mul(diff, diff);
      err = f32x4.add(err, f32x4.mul(v128.load(LANE_W + (<usize>i << 4)), diff));
    }
    const take = v128.and(f32x4.gt(D, zero), f32x4.lt(err, bestError));
    bestError = v128.bitselect(err, bestError, take);
    scale = v128.bitselect(ts, scale, take);
    bestIscale = v128.bitselect(isc, bestIscale, take);
    bestLo = v128.bitselect(lo, bestLo, take);
    lo = v128.bitselect(tm, lo, take);
  }
  for (let i = 0; i < n; i += 4) {
    const v = LANE_X + (<usize>i << 4);
    const c0 = codesOf(bestIscale, v128.load(v), bestLo, top), c1 = codesOf(bestIscale, v128.load(v, 16), bestLo, top);
    const c2 = codesOf(bestIscale, v128.load(v, 32), bestLo, top), c3 = codesOf(bestIscale, v128.load(v, 48), bestLo, top);
    storeCodesFour(L + <usize>i, n, groups, c0, c1, c2, c3, flat);
  }
  v128.store(LANE_RESULTS, v128.andnot(scale, flat));
  v128.store(LANE_RESULTS, f32x4.neg(v128.bitselect(flatLo, lo, flat)), 16);
  for (let k = 0; k < groups; k++) {
    store<f32>(scales + (<usize>k << 2), load<f32>(LANE_RESULTS + (<usize>k << 2)));
    store<f32>(mins + (<usize>k << 2), load<f32>(LANE_RESULTS + 16 + (<usize>k << 2)));
  }
}

// Lanes k of the four vectors stored at out + 16 t: value t of a, b, c, d.
// @ts-ignore: decorator
@inline function transposeTo(out: usize, a: v128, b: v128, c: v128, d: v128): void {
  const ab0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5), cd0 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
  const ab1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7), cd1 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  v128.store(out, v128.shuffle<f32>(ab0, cd0, 0, 1, 4, 5));
  v128.store(out, v128.shuffle<f32>(ab0, cd0, 2, 3, 6, 7), 16);
  v128.store(out, v128.shuffle<f32>(ab1, cd1, 0, 1, 4, 5), 32);
  v128.store(out, v128.shuffle<f32>(ab1, cd1, 2, 3, 6, 7), 48);
}

// Codes i..i+3 (vectors c0..c3, group k in lane k) of `groups` groups of n bytes from L - i; the
// groups of `zeroed` lanes get 0s.
// @ts-ignore: decorator
@inline function storeCodesFour(L: usize, n: i32, groups: i32, c0: v128, c1: v128, c2: v128, c3: v128, zeroed: v128): void {
  // Byte 4 k + t: value i + t of group k.
  const order = v128(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  const b = v128.andnot(i8x16.swizzle(i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(c0, c1), i16x8.narrow_i32x4_u(c2, c3)), order), zeroed);
  v128.store32_lane(L, b, 0);
  if (groups > 1) v128.store32_lane(L + <usize>n, b, 1);
  if (groups > 2) v128.store32_lane(L + <usize>(2 * n), b, 2);
  if (groups > 3) v128.store32_lane(L + <usize>(3 * n), b, 3);
}

// `groups` groups of n floats at p (group k at p + 4 k n; the lanes past `groups` repeat group 0)
// transposed to out: vector i holds value i of each.
// @ts-ignore: decorator
@inline function transposeGroups(p: usize, n: i32, groups: i32, out: usize): void {
  const g = <usize>(n << 2), g1 = groups > 1 ? g : 0, g2 = groups > 2 ? 2 * g : 0, g3 = groups > 3 ? 3 * g : 0;
  for (let i = 0; i < n; i += 4) {
    const o = <usize>(i << 2);
    transposeTo(out + (<usize>i << 4), v128.load(p + o), v128.load(p + g1 + o), v128.load(p + g2 + o), v128.load(p + g3 + o));
  }
}

// fitSymmetric's codes clamp(nearestInt(iscale v), lo, hi) (before the bias), four lanes.
// @ts-ignore: decorator
@inline function symmetricCodes(iscale: v128, v: v128, lo: v128, hi: v128): v128 {
  return i32x4.min_s(i32x4.max_s(nearestInt4(f32x4.mul(iscale, v)), lo), hi);
}

// fitAffine's codes clamp(nearestInt(iscale (v - lo)), 0, nmax), four lanes.
// @ts-ignore: decorator
@inline function codesOf(iscale: v128, v: v128, lo: v128, top: v128): v128 {
  return i32x4.min_s(i32x4.max_s(nearestInt4(f32x4.mul(iscale, f32x4.sub(v, lo))), i32x4.splat(0)), top);
}

/** Codes [0, nmax] (bytes at L) for n values >= 0 (the sub-block scales), weights qw; returns the scale. */
export function fitPositive(n: i32, nmax: i32, x: usize, L: usize, qw: usize): f32 {
  let hi: f32 = 0;
  for (let i = 0; i < n; i++) hi = hi > at(x, i) ? hi : at(x, i);
  if (hi < GROUP_MAX_EPS) {
    memory.fill(L, 0, n);
    return 0;
  }
  let iscale: f32 = <f32>nmax / hi;
  for (let i = 0; i < n; i++) store<u8>(L + <usize>i, <u8>nearestInt(iscale * at(x, i)));
  const scale: f32 = 1 / iscale;
  let bestMse: f32 = 0;
  for (let i = 0; i < n; i++) {
    const diff = at(x, i) - scale * code(L, i);
    bestMse += at(qw, i) * diff * diff;
  }
  const tenth: f32 = 0.1;
  for (let is = -4; is <= 4; is++) {
    if (is == 0) continue;
    const iscaleIs = (tenth * <f32>is + <f32>nmax) / hi;
    const scaleIs: f32 = 1 / iscaleIs;
    let mse: f32 = 0;
    for (let i = 0; i < n; i++) {
      const l = min(nmax, nearestInt(iscaleIs * at(x, i)));
      const diff = at(x, i) - scaleIs * <f32>l;
      mse += at(qw, i) * diff * diff;
    }
    if (mse < bestMse) {
      bestMse = mse;
      iscale = iscaleIs;
    }
  }
  let sumlx: f32 = 0, suml2: f32 = 0;
  for (let i = 0; i < n; i++) {
    const v = at(x, i), w = at(qw, i);
    const l = min(nmax, nearestInt(iscale * v));
    store<u8>(L + <usize>i, <u8>l);
    sumlx += w * v * <f32>l;
    suml2 += w * <f32>l * <f32>l;
  }
  for (let tries = 0; tries < 5; tries++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const v = at(x, i), w = at(qw, i), li = code(L, i);
      let slx = sumlx - w * v * li;
      let sl2 = suml2 - w * li * li;
      if (slx > 0 && sl2 > 0) {
        const nl = min(nmax, nearestInt(v * sl2 / slx));
        if (<f32>nl != li) {
          slx += w * v * <f32>nl;
          sl2 += w * <f32>nl * <f32>nl;
          if (slx * slx * suml2 > sumlx * sumlx * sl2) {
            store<u8>(L + <usize>i, <u8>nl);
            sumlx = slx;
            suml2 = sl2;
            changed++;
          }
        }
      }
    }
    if (!changed) break;
  }
  return suml2 > 0 ? sumlx / suml2 : 0;
}

/**
 * importance() of blocks b .. b + 3 of 32 (fewer at the row's end) of the row x of `blocks` blocks,
 * weights qw, into WEIGHTS, for one fitAffineFour or fitSymmetricFour; returns how many blocks.
 */
export function weighFour(x: usize, qw: usize, sigma2: f32, b: i32, blocks: i32): i32 {
  const count = min(4, blocks - b);
  for (let k = 0; k < count; k++) importance(x + (<usize>(b + k) << 7), qw + (<usize>(b + k) << 7), sigma2, 32, WEIGHTS + (<usize>k << 7));
  return count;
}

/**
 * The importance weights of ggml's weighted quantizers: qw[i] * sqrt(sigma2 + x[i]^2), n of them into
 * out; returns their sum, added in order.
 */
export function importance(x: usize, qw: usize, sigma2: f32, n: i32, out: usize): f32 {
  let sum: f32 = 0;
  for (let i = 0; i < n; i++) {
    const v = at(x, i);
    const w = at(qw, i) * sqrt<f32>(sigma2 + v * v);
    store<f32>(out + (<usize>i << 2), w);
    sum += w;
  }
  return sum;
}

/** sum of x[i]^2 in order. */
export function sumSquares(x: usize, n: i32): f32 {
  let s: f32 = 0;
  for (let i = 0; i < n; i++) s += at(x, i) * at(x, i);
  return s;
}
