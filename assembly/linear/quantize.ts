// The run kernels of ONNX QuantizeLinear / DequantizeLinear (index.ts walks the layouts):
//   q = saturate(round_half_even(x / scale) + zero_point), division in float32, NaN -> 0;
//   x = float32((q - zero_point) * scale).
// A run shares one scale (quantizeRun, dequantizeRun) or has one per element (quantizeEach,
// dequantizeEach). Codes are i8, u8, i16 or u16 in memory; int4/uint4 are i8/u8 codes with bounds
// [-8, 7] / [0, 15], packed afterwards (pack.ts).

// One code, scalar: the reference the vector code reproduces lane for lane.
// @ts-ignore: decorator
@inline function code(x: f32, s: f32, z: f32, lo: f32, hi: f32): i32 {
  if (x != x) return 0;
  const v = nearest(x / s) + z;
  return <i32>(v < lo ? lo : v > hi ? hi : v); // compare-select: cheaper than min/max, same result without NaN
}

// The vector twin of code(): clamping x / s to [lo - z, hi - z] before rounding equals clamping
// after, as the bounds are integers; then adding 1.5 * 2^23 rounds to nearest even and leaves the
// integer in the low mantissa bits (|v| < 2^22), cheaper than nearest + trunc_sat. NaN lanes -> 0.
// `zf` is z as f32 and `zi` as i32.
// @ts-ignore: decorator
@inline function codes(x: v128, s: v128, zf: v128, zi: v128, lo: v128, hi: v128): v128 {
  // pmin/pmax compile to one compare-select instruction; min/max's NaN and signed-zero rules cost
  // several, and neither matters here (NaN lanes are masked, the results are integers).
  const v = f32x4.pmin(f32x4.pmax(f32x4.div(x, s), f32x4.sub(lo, zf)), f32x4.sub(hi, zf));
  const r = i32x4.sub(f32x4.add(v, f32x4.splat(MAGIC)), i32x4.splat(MAGIC_BITS));
  return v128.and(i32x4.add(r, zi), f32x4.eq(x, x));
}

const MAGIC: f32 = 12582912; // 1.5 * 2^23
const MAGIC_BITS: i32 = 0x4b400000;

// Stores four i32x4 vectors of codes (already within T's range) as 16 values of T.
// @ts-ignore: decorator
@inline function store16<T>(q: usize, c0: v128, c1: v128, c2: v128, c3: v128): void {
  if (sizeof<T>() == 1) {
    const h0 = i16x8.narrow_i32x4_s(c0, c1);
    const h1 = i16x8.narrow_i32x4_s(c2, c3);
    v128.store(q, isSigned<T>() ? i8x16.narrow_i16x8_s(h0, h1) : i8x16.narrow_i16x8_u(h0, h1));
  } else {
    v128.store(q, isSigned<T>() ? i16x8.narrow_i32x4_s(c0, c1) : i16x8.narrow_i32x4_u(c0, c1));
    v128.store(q, isSigned<T>() ? i16x8.narrow_i32x4_s(c2, c3) : i16x8.narrow_i32x4_u(c2, c3), 16);
  }
}

// @ts-ignore: decorator
@inline export function quantizeRun<T>(x: usize, q: usize, n: i32, s: f32, z: f32, lo: f32, hi: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vs = f32x4.splat(s), vz = f32x4.splat(z), zi = i32x4.splat(<i32>z), vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
    for (; i + 16 <= n; i += 16) {
      const p = x + (<usize>i << 2);
      store16<T>(q + <usize>i * sizeof<T>(),
        codes(v128.load(p), vs, vz, zi, vlo, vhi), codes(v128.load(p, 16), vs, vz, zi, vlo, vhi),
        codes(v128.load(p, 32), vs, vz, zi, vlo, vhi), codes(v128.load(p, 48), vs, vz, zi, vlo, vhi));
    }
  }
  for (; i < n; i++) store<T>(q + <usize>i * sizeof<T>(), <T>code(load<f32>(x + (<usize>i << 2)), s, z, lo, hi));
}

// @ts-ignore: decorator
@inline export function quantizeEach<T>(x: usize, q: usize, n: i32, scale: usize, zp: usize, lo: f32, hi: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
    for (; i + 16 <= n; i += 16) {
      const p = x + (<usize>i << 2), ps = scale + (<usize>i << 2), pz = zp + (<usize>i << 2);
      const z0 = v128.load(pz), z1 = v128.load(pz, 16), z2 = v128.load(pz, 32), z3 = v128.load(pz, 48);
      store16<T>(q + <usize>i * sizeof<T>(),
        codes(v128.load(p), v128.load(ps), f32x4.convert_i32x4_s(z0), z0, vlo, vhi),
        codes(v128.load(p, 16), v128.load(ps, 16), f32x4.convert_i32x4_s(z1), z1, vlo, vhi),
        codes(v128.load(p, 32), v128.load(ps, 32), f32x4.convert_i32x4_s(z2), z2, vlo, vhi),
        codes(v128.load(p, 48), v128.load(ps, 48), f32x4.convert_i32x4_s(z3), z3, vlo, vhi));
    }
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<T>(q + <usize>i * sizeof<T>(), <T>code(load<f32>(x + at), load<f32>(scale + at), <f32>load<i32>(zp + at), lo, hi));
  }
}

// Eight codes of T at q as two i32x4 (lanes 0-3, 4-7).
// @ts-ignore: decorator
@inline function load8<T>(q: usize): v128 {
  if (sizeof<T>() == 1) return isSigned<T>() ? v128.load8x8_s(q) : v128.load8x8_u(q);
  return v128.load(q);
}

// @ts-ignore: decorator
@inline function low4<T>(h: v128): v128 {
  return isSigned<T>() || sizeof<T>() == 1 ? i32x4.extend_low_i16x8_s(h) : i32x4.extend_low_i16x8_u(h);
}

// @ts-ignore: decorator
@inline function high4<T>(h: v128): v128 {
  return isSigned<T>() || sizeof<T>() == 1 ? i32x4.extend_high_i16x8_s(h) : i32x4.extend_high_i16x8_u(h);
}

// (q - zp) is exact in i32 and, below 2^24, in f32: one rounding, in the multiply.
// @ts-ignore: decorator
@inline export function dequantizeRun<T>(q: usize, y: usize, n: i32, s: f32, z: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vs = f32x4.splat(s), vz = i32x4.splat(z);
    for (; i + 8 <= n; i += 8) {
      const h = load8<T>(q + <usize>i * sizeof<T>());
      const at = y + (<usize>i << 2);
      v128.store(at, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(low4<T>(h), vz)), vs));
      v128.store(at, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(high4<T>(h), vz)), vs), 16);
    }
  }
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), <f32>(<i32>load<T>(q + <usize>i * sizeof<T>()) - z) * s);
}

// @ts-ignore: decorator
@inline export function dequantizeEach<T>(q: usize, y: usize, n: i32, scale: usize, zp: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= n; i += 8) {
      const at = <usize>i << 2;
      const h = load8<T>(q + <usize>i * sizeof<T>());
      v128.store(y + at, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(low4<T>(h), v128.load(zp + at))), v128.load(scale + at)));
      v128.store(y + at, f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(high4<T>(h), v128.load(zp + at, 16))), v128.load(scale + at, 16)), 16);
    }
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, <f32>(<i32>load<T>(q + <usize>i * sizeof<T>()) - load<i32>(zp + at)) * load<f32>(scale + at));
  }
}
