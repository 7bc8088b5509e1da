// Exact int8 dot product.
//
// The relaxed build runs the SIMD128 code here too: splitting a signed operand into the 7-bit form
// the relaxed dot product needs costs two relaxed dots per vector, measured 1.3-2x slower than
// dot_i16x8_s in V8 and JavaScriptCore on x86-64. The relaxed instruction pays off where one operand
// is 7-bit by nature (4-bit weights, absolute values); see dotI8U7.
//
// Vector lanes accumulate in i32. A chunk of CHUNK elements adds at most CHUNK * 128 * 128 = 2^30 in
// total and far less per lane, so nothing inside a chunk can overflow; chunks are summed in i64, which
// keeps the result exact for any length an f64 can represent.
const CHUNK: i32 = 65536;

export function dotI8(a: usize, b: usize, n: i32): f64 {
  let total: i64 = 0;
  for (let start = 0; start < n; start += CHUNK) {
    total += <i64>dotChunk<i8>(a + <usize>start, b + <usize>start, min(n - start, CHUNK));
  }
  return <f64>total;
}

/** uint8 a times int8 b: a chunk sums to at most 65536 * 255 * 128 < 2^31, so the same chunking holds. */
export function dotU8I8(a: usize, b: usize, n: i32): f64 {
  let total: i64 = 0;
  for (let start = 0; start < n; start += CHUNK) {
    total += <i64>dotChunk<u8>(a + <usize>start, b + <usize>start, min(n - start, CHUNK));
  }
  return <f64>total;
}

// a's values as i32.
// @ts-ignore: decorator
@inline function loadA<TA>(p: usize): i32 {
  return isSigned<TA>() ? <i32>load<i8>(p) : <i32>load<u8>(p);
}

// @ts-ignore: decorator
@inline function load8A<TA>(p: usize): v128 {
  return isSigned<TA>() ? v128.load8x8_s(p) : v128.load8x8_u(p);
}

/** Sum of a[i] * b[i], a of type TA (i8 or u8), b int8. */
// @ts-ignore: decorator
@inline function dotChunk<TA>(a: usize, b: usize, n: i32): i32 {
  let sum: i32 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // load8x8_s sign-extends while loading (one instruction on x86 and ARM), cheaper than
    // widening the high half of a register; four accumulators keep the multiply-adds independent.
    let acc0 = i32x4.splat(0);
    let acc1 = i32x4.splat(0);
    let acc2 = i32x4.splat(0);
    let acc3 = i32x4.splat(0);
    for (; i + 32 <= n; i += 32) {
      const pa = a + <usize>i;
      const pb = b + <usize>i;
      acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(load8A<TA>(pa), v128.load8x8_s(pb)));
      acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(load8A<TA>(pa + 8), v128.load8x8_s(pb, 8)));
      acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(load8A<TA>(pa + 16), v128.load8x8_s(pb, 16)));
      acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(load8A<TA>(pa + 24), v128.load8x8_s(pb, 24)));
    }
    for (; i + 8 <= n; i += 8) {
      acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(load8A<TA>(a + <usize>i), v128.load8x8_s(b + <usize>i)));
    }
    sum = sumLanes(i32x4.add(i32x4.add(acc0, acc1), i32x4.add(acc2, acc3)));
  } else {
    // Four independent sums give the scalar build some instruction-level parallelism.
    let s0: i32 = 0, s1: i32 = 0, s2: i32 = 0, s3: i32 = 0;
    for (; i + 4 <= n; i += 4) {
      const pa = a + <usize>i;
      const pb = b + <usize>i;
      s0 += loadA<TA>(pa) * <i32>load<i8>(pb);
      s1 += loadA<TA>(pa + 1) * <i32>load<i8>(pb, 1);
      s2 += loadA<TA>(pa + 2) * <i32>load<i8>(pb, 2);
      s3 += loadA<TA>(pa + 3) * <i32>load<i8>(pb, 3);
    }
    sum = s0 + s1 + s2 + s3;
  }
  for (; i < n; i++) {
    sum += loadA<TA>(a + <usize>i) * <i32>load<i8>(b + <usize>i);
  }
  return sum;
}

/**
 * Sum of a[i] * b[i] where every b[i] is in [0, 127] (the caller guarantees it) and n <= 65536:
 * exactly the case in which i32x4.relaxed_dot_i8x16_i7x16_add_s is deterministic. The loader's
 * self-test runs it, so a relaxed build whose engine computes that instruction wrongly (Node 20
 * behind its flag drops the accumulator) is never used.
 */
export function dotI8U7(a: usize, b: usize, n: i32): i32 {
  if (!ASC_FEATURE_RELAXED_SIMD) return dotChunk<i8>(a, b, n);
  let acc = i32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    acc = i32x4.relaxed_dot_i8x16_i7x16_add_s(v128.load(a + <usize>i), v128.load(b + <usize>i), acc);
  }
  let sum = sumLanes(acc);
  for (; i < n; i++) sum += <i32>load<i8>(a + <usize>i) * <i32>load<u8>(b + <usize>i);
  return sum;
}

// @ts-ignore: decorator
@inline function sumLanes(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}
