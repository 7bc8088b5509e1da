// Exact int8 dot product.
//
// Vector lanes accumulate in i32. A chunk of CHUNK elements adds at most CHUNK * 128 * 128 = 2^30 in
// total and far less per lane, so nothing inside a chunk can overflow; chunks are summed in i64, which
// keeps the result exact for any length an f64 can represent.
const CHUNK: i32 = 65536;

export function dotI8(a: usize, b: usize, n: i32): f64 {
  let total: i64 = 0;
  for (let start = 0; start < n; start += CHUNK) {
    total += <i64>dotChunk(a + <usize>start, b + <usize>start, min(n - start, CHUNK));
  }
  return <f64>total;
}

function dotChunk(a: usize, b: usize, n: i32): i32 {
  let sum: i32 = 0;
  let i = 0;
  if (ASC_FEATURE_RELAXED_SIMD) {
    // The relaxed dot is only deterministic when its second operand lies in [0, 127]. Split each
    // b into its low 7 bits and its sign: b = (b & 0x7f) - 128 * (b < 0), so
    // a.b = relaxed_dot(a, b & 0x7f) - 128 * relaxed_dot(a, b >>> 7), both operands in {0..127}.
    // Pair sums stay within i16 (2 * 128 * 127 < 32768), so no engine saturates either.
    const low7 = i8x16.splat(0x7f);
    let low = i32x4.splat(0);
    let neg = i32x4.splat(0);
    for (; i + 16 <= n; i += 16) {
      const va = v128.load(a + <usize>i);
      const vb = v128.load(b + <usize>i);
      low = i32x4.relaxed_dot_i8x16_i7x16_add_s(va, v128.and(vb, low7), low);
      neg = i32x4.relaxed_dot_i8x16_i7x16_add_s(va, i8x16.shr_u(vb, 7), neg);
    }
    sum = sumLanes(i32x4.sub(low, i32x4.shl(neg, 7)));
  } else if (ASC_FEATURE_SIMD) {
    // Two accumulators so consecutive multiply-adds do not wait on each other.
    let acc0 = i32x4.splat(0);
    let acc1 = i32x4.splat(0);
    for (; i + 16 <= n; i += 16) {
      const va = v128.load(a + <usize>i);
      const vb = v128.load(b + <usize>i);
      acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(va), i16x8.extend_low_i8x16_s(vb)));
      acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(va), i16x8.extend_high_i8x16_s(vb)));
    }
    sum = sumLanes(i32x4.add(acc0, acc1));
  } else {
    // Four independent sums give the scalar build some instruction-level parallelism.
    let s0: i32 = 0, s1: i32 = 0, s2: i32 = 0, s3: i32 = 0;
    for (; i + 4 <= n; i += 4) {
      const pa = a + <usize>i;
      const pb = b + <usize>i;
      s0 += <i32>load<i8>(pa) * <i32>load<i8>(pb);
      s1 += <i32>load<i8>(pa, 1) * <i32>load<i8>(pb, 1);
      s2 += <i32>load<i8>(pa, 2) * <i32>load<i8>(pb, 2);
      s3 += <i32>load<i8>(pa, 3) * <i32>load<i8>(pb, 3);
    }
    sum = s0 + s1 + s2 + s3;
  }
  for (; i < n; i++) {
    sum += <i32>load<i8>(a + <usize>i) * <i32>load<i8>(b + <usize>i);
  }
  return sum;
}

// @ts-ignore: decorator
@inline function sumLanes(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}
