// ONNX MatMulInteger: Y[i, j] = sum over t of (A[i, t] - aZp) * (B[t, j] - bZp[j]), int32 with
// wrap-around, A [m, k] and B [k, n] row-major, int8 or uint8 each.
//
// A's zero points are subtracted before multiplying, in i16 (differences lie in [-255, 255]); B's
// come after, as Y[i, j] -= bZp[j] * sum_t (A[i, t] - aZp), which in wrapping int32 arithmetic is
// the same as subtracting them first. B is used as stored: each step loads 8
// columns of two consecutive rows, interleaves them into (B[t, j], B[t + 1, j]) pairs and multiplies
// them with the splatted pair (A[i, t], A[i, t + 1]) by i32x4.dot_i16x8_s: 2 MACs per lane per
// instruction, no packing of B, so resident weights are used exactly as uploaded.

/**
 * `aZps`: m i32 zero points (one per row of A; overwritten with scratch). `bZp`: n i32 zero points,
 * or 0 when all are zero. `pairs`: scratch of m * ceil(k / 2) i32.
 */
export function matmulInteger(a: usize, b: usize, y: usize, m: i32, k: i32, n: i32, aSigned: bool, bSigned: bool, aZps: usize, bZp: usize, pairs: usize): void {
  const kp = (k + 1) >> 1;
  // A's rows as packed i16 pairs of zero-point-adjusted values; an odd k pairs the last value with 0.
  // The row sums go to the aZps slots, for B's zero points at the end.
  for (let i = 0; i < m; i++) {
    const aZp = load<i32>(aZps + (<usize>i << 2));
    let sum: i32 = 0;
    for (let p = 0; p < kp; p++) {
      const at = a + <usize>i * <usize>k + (<usize>p << 1);
      const lo = loadA(at, aSigned) - aZp;
      const hi = (p << 1) + 1 < k ? loadA(at + 1, aSigned) - aZp : 0;
      sum += lo + hi;
      store<i32>(pairs + ((<usize>i * <usize>kp + <usize>p) << 2), (lo & 0xffff) | (hi << 16));
    }
    store<i32>(aZps + (<usize>i << 2), sum);
  }
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    j = n & ~15;
    for (let i = 0; i < m; i++) memory.fill(y + ((<usize>i * <usize>n) << 2), 0, <usize>j << 2);
    // Specialized copies: a runtime choice inside the inner loop costs more than the work itself.
    if (bSigned) simdColumns<i8>(b, y, m, k, n, j, pairs, kp);
    else simdColumns<u8>(b, y, m, k, n, j, pairs, kp);
  }
  // Remaining columns (all of them in the scalar build), row by row of B so reads stay sequential;
  // wrapping i32 sums do not depend on the order.
  for (let i = 0; i < m && j < n; i++) {
    const out = y + ((<usize>i * <usize>n) << 2);
    for (let jj = j; jj < n; jj++) store<i32>(out + (<usize>jj << 2), 0);
    for (let t = 0; t < k; t++) {
      const pair = load<i32>(pairs + ((<usize>i * <usize>kp + <usize>(t >> 1)) << 2));
      const av = (t & 1) ? pair >> 16 : (pair << 16) >> 16;
      const row = b + <usize>t * <usize>n;
      for (let jj = j; jj < n; jj++) {
        const at = out + (<usize>jj << 2);
        store<i32>(at, load<i32>(at) + av * loadA(row + <usize>jj, bSigned));
      }
    }
  }
  if (bZp) {
    for (let i = 0; i < m; i++) {
      const sum = load<i32>(aZps + (<usize>i << 2));
      const out = y + ((<usize>i * <usize>n) << 2);
      for (let jj = 0; jj < n; jj++) {
        const at = out + (<usize>jj << 2);
        store<i32>(at, load<i32>(at) - load<i32>(bZp + (<usize>jj << 2)) * sum);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function loadA(p: usize, signed: bool): i32 {
  return signed ? <i32>load<i8>(p) : <i32>load<u8>(p);
}

// Row pairs per tile. Walking down all k rows for one column block touches a new page every row (a
// 4096-wide int8 matrix has 4 KiB rows); a tile of 4 pairs streams 8 rows at once, left to right,
// and adds its partial sums into Y. Measured on 4096 x 4096 and 4096 x 16384: 2 pairs 8.5 G MAC/s,
// 4 pairs 10.5, 6 pairs 9.2, 16 pairs 4.5.
const TILE_PAIRS = 4;
// @ts-ignore: decorator
@inline function simdColumns<TB>(b: usize, y: usize, m: i32, k: i32, n: i32, jEnd: i32, pairs: usize, kp: i32): void {
  const full = k >> 1;
  for (let p0 = 0; p0 < kp; ) {
    // An odd k ends with a pair of its own whose second row is the first again (its A value is 0).
    const count = p0 < full ? min(TILE_PAIRS, full - p0) : 1;
    const next = p0 < full ? <usize>n : 0;
    for (let j = 0; j < jEnd; j += 16) {
      let i = 0;
      for (; i + 2 <= m; i += 2) block16<TB>(b, y, i, 2, j, n, next, pairs, kp, p0, count);
      if (i < m) block16<TB>(b, y, i, 1, j, n, next, pairs, kp, p0, count);
    }
    p0 += count;
  }
}

// 8 values of B's row at p, widened to i16.
// @ts-ignore: decorator
@inline function loadB<TB>(p: usize): v128 {
  return isSigned<TB>() ? v128.load8x8_s(p) : v128.load8x8_u(p);
}

/** Adds pairs p0..p0+count of the sums for columns j..j+15 of rows i (and i + 1 when rows == 2) into Y. */
// @ts-ignore: decorator
@inline function block16<TB>(b: usize, y: usize, i: i32, rows: i32, j: i32, n: i32, next: usize, pairs: usize, kp: i32, p0: i32, count: i32): void {
  let c0 = i32x4.splat(0), c1 = i32x4.splat(0), c2 = i32x4.splat(0), c3 = i32x4.splat(0); // row i
  let d0 = i32x4.splat(0), d1 = i32x4.splat(0), d2 = i32x4.splat(0), d3 = i32x4.splat(0); // row i + 1
  const pa = pairs + ((<usize>i * <usize>kp + <usize>p0) << 2);
  const pb = pa + (<usize>kp << 2);
  const step = <usize>n << 1;
  let row = b + <usize>j + <usize>p0 * step;
  for (let p = 0; p < count; p++) {
    const r0 = loadB<TB>(row), r1 = loadB<TB>(row + next);
    const s0 = loadB<TB>(row + 8), s1 = loadB<TB>(row + next + 8);
    const q0 = v128.shuffle<i16>(r0, r1, 0, 8, 1, 9, 2, 10, 3, 11);
    const q1 = v128.shuffle<i16>(r0, r1, 4, 12, 5, 13, 6, 14, 7, 15);
    const q2 = v128.shuffle<i16>(s0, s1, 0, 8, 1, 9, 2, 10, 3, 11);
    const q3 = v128.shuffle<i16>(s0, s1, 4, 12, 5, 13, 6, 14, 7, 15);
    const av = v128.load32_splat(pa + (<usize>p << 2));
    c0 = i32x4.add(c0, i32x4.dot_i16x8_s(q0, av));
    c1 = i32x4.add(c1, i32x4.dot_i16x8_s(q1, av));
    c2 = i32x4.add(c2, i32x4.dot_i16x8_s(q2, av));
    c3 = i32x4.add(c3, i32x4.dot_i16x8_s(q3, av));
    if (rows == 2) {
      const bv = v128.load32_splat(pb + (<usize>p << 2));
      d0 = i32x4.add(d0, i32x4.dot_i16x8_s(q0, bv));
      d1 = i32x4.add(d1, i32x4.dot_i16x8_s(q1, bv));
      d2 = i32x4.add(d2, i32x4.dot_i16x8_s(q2, bv));
      d3 = i32x4.add(d3, i32x4.dot_i16x8_s(q3, bv));
    }
    row += step;
  }
  const out = y + ((<usize>i * <usize>n + <usize>j) << 2);
  addInto(out, c0, c1, c2, c3);
  if (rows == 2) addInto(out + (<usize>n << 2), d0, d1, d2, d3);
}

// @ts-ignore: decorator
@inline function addInto(p: usize, a: v128, b: v128, c: v128, d: v128): void {
  v128.store(p, i32x4.add(v128.load(p), a));
  v128.store(p, i32x4.add(v128.load(p, 16), b), 16);
  v128.store(p, i32x4.add(v128.load(p, 32), c), 32);
  v128.store(p, i32x4.add(v128.load(p, 48), d), 48);
}
