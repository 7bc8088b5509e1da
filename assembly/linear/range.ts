// Per-scale minimum and maximum for choosing quantization parameters, over the same
// [outer, axisLen, inner] layouts as quantize.ts. Both start at 0, so the range always contains 0
// (zero must be exactly representable). Non-finite values are left out: treating them as 0 leaves
// min(0, ...) and max(0, ...) unchanged.

export function rangeLinear(x: usize, outer: i32, axisLen: i32, inner: i32, blockSize: i32, lo: usize, hi: usize, scales: i32): void {
  for (let i = 0; i < scales; i++) {
    store<f32>(lo + (<usize>i << 2), 0);
    store<f32>(hi + (<usize>i << 2), 0);
  }
  if (blockSize == 0) {
    for (let o = 0; o < outer; o++) {
      const base = <usize>o * <usize>axisLen * <usize>inner;
      if (inner == 1) {
        rangeEach(x + (base << 2), axisLen, lo, hi);
      } else {
        for (let a = 0; a < axisLen; a++) {
          rangeRun(x + ((base + <usize>a * <usize>inner) << 2), inner, lo + (<usize>a << 2), hi + (<usize>a << 2));
        }
      }
    }
    return;
  }
  const blocks = (axisLen + blockSize - 1) / blockSize;
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>axisLen * <usize>inner;
    for (let a = 0; a < axisLen; a++) {
      const at = base + <usize>a * <usize>inner;
      const k = ((<usize>o * <usize>blocks + <usize>(a / blockSize)) * <usize>inner) << 2;
      if (inner == 1) {
        const n = min(blockSize, axisLen - a);
        rangeRun(x + (at << 2), n, lo + k, hi + k);
        a += n - 1;
      } else {
        rangeEach(x + (at << 2), inner, lo + k, hi + k);
      }
    }
  }
}

// Compare-select, the scalar twin of f32x4.pmin / pmax, so both builds agree even on the sign of zero.
// @ts-ignore: decorator
@inline function pmin(a: f32, b: f32): f32 {
  return b < a ? b : a;
}

// @ts-ignore: decorator
@inline function pmax(a: f32, b: f32): f32 {
  return a < b ? b : a;
}

// @ts-ignore: decorator
@inline function finite(v: f32): f32 {
  return abs(v) < Infinity ? v : 0;
}

// @ts-ignore: decorator
@inline function finite4(v: v128): v128 {
  return v128.and(v, f32x4.lt(f32x4.abs(v), f32x4.splat(Infinity)));
}

/** Folds a run into the single min/max at lo/hi. */
function rangeRun(x: usize, n: i32, lo: usize, hi: usize): void {
  let mn = load<f32>(lo), mx = load<f32>(hi);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let vmn = f32x4.splat(mn), vmx = f32x4.splat(mx);
    for (; i + 4 <= n; i += 4) {
      const v = finite4(v128.load(x + (<usize>i << 2)));
      vmn = f32x4.pmin(vmn, v); // pmin/pmax: plain compare-select, cheap and exact without NaNs
      vmx = f32x4.pmax(vmx, v);
    }
    mn = pmin(pmin(f32x4.extract_lane(vmn, 0), f32x4.extract_lane(vmn, 1)), pmin(f32x4.extract_lane(vmn, 2), f32x4.extract_lane(vmn, 3)));
    mx = pmax(pmax(f32x4.extract_lane(vmx, 0), f32x4.extract_lane(vmx, 1)), pmax(f32x4.extract_lane(vmx, 2), f32x4.extract_lane(vmx, 3)));
  }
  for (; i < n; i++) {
    const v = finite(load<f32>(x + (<usize>i << 2)));
    mn = pmin(mn, v);
    mx = pmax(mx, v);
  }
  store<f32>(lo, mn);
  store<f32>(hi, mx);
}

/** Folds element i of a run into the min/max at lo[i]/hi[i]. */
function rangeEach(x: usize, n: i32, lo: usize, hi: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      const v = finite4(v128.load(x + at));
      v128.store(lo + at, f32x4.pmin(v128.load(lo + at), v));
      v128.store(hi + at, f32x4.pmax(v128.load(hi + at), v));
    }
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const v = finite(load<f32>(x + at));
    store<f32>(lo + at, pmin(load<f32>(lo + at), v));
    store<f32>(hi + at, pmax(load<f32>(hi + at), v));
  }
}
