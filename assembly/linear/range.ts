// The run kernels of the per-scale minimum and maximum that choose quantization parameters
// (index.ts walks the layouts). Non-finite values are left out: treating them as 0 leaves
// min(0, ...) and max(0, ...) unchanged, and every range starts at [0, 0].

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
export function rangeRun(x: usize, n: i32, lo: usize, hi: usize): void {
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
export function rangeEach(x: usize, n: i32, lo: usize, hi: usize): void {
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
