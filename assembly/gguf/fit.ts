// The scale searches of ggml's K-quant and importance-weighted quantizers (make_qx_quants,
// make_q3_quants, make_qkx2/3_quants, make_qp_quants in ggml's terms). The chosen codes decide the
// bytes, and rare blocks sit on a knife edge between two candidates, so every float operation here
// keeps ggml's order and grouping: (w * x) * l, never w * (x * l).
import { fourFrom, nearestInt, nearestInt4 } from "./common";

export const GROUP_MAX_EPS: f32 = 1e-15;

// Scratch for one super-block: the quantizers run one block at a time and never re-enter.
export const CODES = memory.data(256);
export const CODES_AUX = memory.data(32);
export const WEIGHTS = memory.data(32 << 2);
export const SCALES = memory.data(16 << 2);
export const MINS = memory.data(16 << 2);
export const SUM_WEIGHTS = memory.data(16 << 2);
export const SCALE_CODES = memory.data(16);
export const MIN_CODES = memory.data(16);

/** The offset the last fitAffine chose, as a positive number to subtract (ggml's the_min). */
// The SIMD candidate searches' lanes: fitAffine's codes (i32 lanes, 16 bytes per value; n <= 32, as
// every caller has), and four vectors of sums or results.
const LANE_CODES = memory.data(32 * 16, 16);
const LANE_RESULTS = memory.data(64, 16);

export let fitMin: f32 = 0;

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
        const l = f32x4.convert_i32x4_s(i32x4.min_s(i32x4.max_s(nearestInt4(f32x4.mul(isc, vv)), lo), hi));
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
export function fitAffine(n: i32, nmax: i32, x: usize, weights: usize, L: usize, aux: usize, rmin: f32, rdelta: f32, nstep: i32, useMad: bool): f32 {
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
  if (ASC_FEATURE_SIMD) {
    // Four candidate scales at once, one per lane, each lane summing over i in the scalar loop's order
    // (so every lane's floats are the scalar ones). The candidates are tried in order; an accepted one
    // moves lo, which the later ones depend on, so the lanes after it are computed again.
    const zero = f32x4.splat(0);
    let is = 0;
    while (is <= nstep) {
      const span = hi - lo, vlo = f32x4.splat(lo);
      const isv = f32x4.convert_i32x4_s(fourFrom(is));
      const isc = f32x4.div(f32x4.add(f32x4.add(f32x4.splat(rmin), f32x4.mul(f32x4.splat(rdelta), isv)), f32x4.splat(<f32>nmax)), f32x4.splat(span));
      let sL = zero, sL2 = zero, sXL = zero;
      for (let i = 0; i < n; i++) {
        const v = f32x4.splat(at(x, i)), w = f32x4.splat(at(weights, i));
        const l = i32x4.min_s(i32x4.max_s(nearestInt4(f32x4.mul(isc, f32x4.sub(v, vlo))), i32x4.splat(0)), i32x4.splat(nmax));
        v128.store(LANE_CODES + (<usize>i << 4), l);
        const lf = f32x4.convert_i32x4_s(l), wl = f32x4.mul(w, lf);
        sL = f32x4.add(sL, wl);
        sL2 = f32x4.add(sL2, f32x4.mul(wl, lf));
        sXL = f32x4.add(sXL, f32x4.mul(wl, v));
      }
      const D = f32x4.sub(f32x4.mul(f32x4.splat(sumW), sL2), f32x4.mul(sL, sL));
      let ts = f32x4.div(f32x4.sub(f32x4.mul(f32x4.splat(sumW), sXL), f32x4.mul(f32x4.splat(sumX), sL)), D);
      let tm = f32x4.div(f32x4.sub(f32x4.mul(sL2, f32x4.splat(sumX)), f32x4.mul(sL, sXL)), D);
      const positive = f32x4.gt(tm, zero);
      ts = v128.bitselect(f32x4.div(sXL, sL2), ts, positive);
      tm = v128.bitselect(zero, tm, positive);
      let err = zero;
      for (let i = 0; i < n; i++) {
        let diff = f32x4.sub(f32x4.add(f32x4.mul(ts, f32x4.convert_i32x4_s(v128.load(LANE_CODES + (<usize>i << 4)))), tm), f32x4.splat(at(x, i)));
        diff = useMad ? f32x4.abs(diff) : f32x4.mul(diff, diff);
        err = f32x4.add(err, f32x4.mul(f32x4.splat(at(weights, i)), diff));
      }
      v128.store(LANE_RESULTS, D);
      v128.store(LANE_RESULTS, err, 16);
      v128.store(LANE_RESULTS, ts, 32);
      v128.store(LANE_RESULTS, tm, 48);
      let next = is + 4;
      for (let k = 0; k < 4 && is + k <= nstep; k++) {
        const e = load<f32>(LANE_RESULTS + 16 + (<usize>k << 2));
        if (load<f32>(LANE_RESULTS + (<usize>k << 2)) > 0 && e < bestError) {
          for (let i = 0; i < n; i++) store<u8>(L + <usize>i, <u8>load<i32>(LANE_CODES + (<usize>i << 4) + (<usize>k << 2)));
          bestError = e;
          scale = load<f32>(LANE_RESULTS + 32 + (<usize>k << 2));
          lo = load<f32>(LANE_RESULTS + 48 + (<usize>k << 2));
          next = is + k + 1;
          break;
        }
      }
      is = next;
    }
    fitMin = -lo;
    return scale;
  }
  for (let is = 0; is <= nstep; is++) {
    iscale = (rmin + rdelta * <f32>is + <f32>nmax) / (hi - lo);
    let sumL: f32 = 0, sumL2: f32 = 0, sumXL: f32 = 0;
    for (let i = 0; i < n; i++) {
      const v = at(x, i);
      const l = clamp(nearestInt(iscale * (v - lo)), 0, nmax);
      store<u8>(aux + <usize>i, <u8>l);
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
        let diff = thisScale * code(aux, i) + thisMin - at(x, i);
        diff = useMad ? abs(diff) : diff * diff;
        error += at(weights, i) * diff;
      }
      if (error < bestError) {
        memory.copy(L, aux, n);
        bestError = error;
        scale = thisScale;
        lo = thisMin;
      }
    }
  }
  fitMin = -lo;
  return scale;
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
