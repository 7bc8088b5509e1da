// Dot products and GEMV of GGUF rows with a Q8_0 activation (Q4_0 and Q8_0 weights so far).
//
// Canonical float order, the same in every build: block b's integer sum times (d_w * d_a) is
// added into lane b % 4 of four float32 partial sums, combined at the end as (l0 + l1) + (l2 + l3).
// The integer block sums are exact, and identical to ggml's.
import { loadF16 } from "./common";
import { Q4_0_BYTES } from "./q4_0";
import { Q8_0_BYTES } from "./q8_0";

const Q4_0: i32 = 2, Q8_0: i32 = 8;

/** Blocks of the weight row at w times the Q8_0 activation at a. */
export function ggufDot(type: i32, w: usize, a: usize, blocks: i32): f32 {
  return type == Q4_0 ? rowDot<Q4>(w, a, blocks) : rowDot<Q8>(w, a, blocks);
}

/** y[r] = dot(row r, a) for `rows` rows of `blocks` blocks each, stored one after another. */
export function ggufGemv(type: i32, w: usize, a: usize, y: usize, rows: i32, blocks: i32): void {
  const rowBytes = <usize>blocks * <usize>(type == Q4_0 ? Q4_0_BYTES : Q8_0_BYTES);
  for (let r = 0; r < rows; r++) {
    const v = type == Q4_0 ? rowDot<Q4>(w + <usize>r * rowBytes, a, blocks) : rowDot<Q8>(w + <usize>r * rowBytes, a, blocks);
    store<f32>(y + (<usize>r << 2), v);
  }
}

// Marker types selecting the weight format at compile time.
class Q4 {}
class Q8 {}

// @ts-ignore: decorator
@inline function bytesOf<T>(): usize {
  return idof<T>() == idof<Q4>() ? <usize>Q4_0_BYTES : <usize>Q8_0_BYTES;
}

// @ts-ignore: decorator
@inline function rowDot<T>(w: usize, a: usize, blocks: i32): f32 {
  const wb = bytesOf<T>();
  let b = 0;
  let l0: f32 = 0, l1: f32 = 0, l2: f32 = 0, l3: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    for (; b + 4 <= blocks; b += 4) {
      const pw = w + <usize>b * wb, pa = a + <usize>b * Q8_0_BYTES;
      const sums = sum4(
        blockSum<T>(pw, pa), blockSum<T>(pw + wb, pa + Q8_0_BYTES),
        blockSum<T>(pw + 2 * wb, pa + 2 * Q8_0_BYTES), blockSum<T>(pw + 3 * wb, pa + 3 * Q8_0_BYTES));
      let scales = f32x4.splat(loadF16(pw) * loadF16(pa));
      scales = f32x4.replace_lane(scales, 1, loadF16(pw + wb) * loadF16(pa + Q8_0_BYTES));
      scales = f32x4.replace_lane(scales, 2, loadF16(pw + 2 * wb) * loadF16(pa + 2 * Q8_0_BYTES));
      scales = f32x4.replace_lane(scales, 3, loadF16(pw + 3 * wb) * loadF16(pa + 3 * Q8_0_BYTES));
      acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(sums), scales));
    }
    l0 = f32x4.extract_lane(acc, 0);
    l1 = f32x4.extract_lane(acc, 1);
    l2 = f32x4.extract_lane(acc, 2);
    l3 = f32x4.extract_lane(acc, 3);
  }
  for (; b < blocks; b++) {
    const pw = w + <usize>b * wb, pa = a + <usize>b * Q8_0_BYTES;
    const v = <f32>blockSumScalar<T>(pw, pa) * (loadF16(pw) * loadF16(pa));
    const lane = b & 3;
    if (lane == 0) l0 += v;
    else if (lane == 1) l1 += v;
    else if (lane == 2) l2 += v;
    else l3 += v;
  }
  return (l0 + l1) + (l2 + l3);
}

// Four i32x4 partial sums -> one i32x4 of their totals.
// @ts-ignore: decorator
@inline function sum4(p0: v128, p1: v128, p2: v128, p3: v128): v128 {
  const a = i32x4.add(i32x4.shuffle(p0, p1, 0, 4, 1, 5), i32x4.shuffle(p0, p1, 2, 6, 3, 7));
  const b = i32x4.add(i32x4.shuffle(p2, p3, 0, 4, 1, 5), i32x4.shuffle(p2, p3, 2, 6, 3, 7));
  return i32x4.add(i32x4.shuffle(a, b, 0, 1, 4, 5), i32x4.shuffle(a, b, 2, 3, 6, 7));
}

// One block's products as i32x4 partial sums. Q8_0 codes start at byte 2; Q4_0 codes are nibbles
// at byte 2 (values 0-15 low, 16-31 high), minus 8.
// @ts-ignore: decorator
@inline function blockSum<T>(w: usize, a: usize): v128 {
  const q = a + 2;
  if (idof<T>() == idof<Q8>()) {
    const p = w + 2;
    return i32x4.add(
      i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(p), v128.load8x8_s(q)), i32x4.dot_i16x8_s(v128.load8x8_s(p, 8), v128.load8x8_s(q, 8))),
      i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(p, 16), v128.load8x8_s(q, 16)), i32x4.dot_i16x8_s(v128.load8x8_s(p, 24), v128.load8x8_s(q, 24))));
  }
  const v = v128.load(w + 2);
  const eight = i8x16.splat(8);
  const lo = i8x16.sub(v128.and(v, i8x16.splat(0x0f)), eight);
  const hi = i8x16.sub(i8x16.shr_u(v, 4), eight);
  return i32x4.add(
    i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(lo), v128.load8x8_s(q)), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(lo), v128.load8x8_s(q, 8))),
    i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(hi), v128.load8x8_s(q, 16)), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(hi), v128.load8x8_s(q, 24))));
}

// @ts-ignore: decorator
@inline function blockSumScalar<T>(w: usize, a: usize): i32 {
  let s: i32 = 0;
  if (idof<T>() == idof<Q8>()) {
    for (let j = 0; j < 32; j++) s += <i32>load<i8>(w + 2 + <usize>j) * <i32>load<i8>(a + 2 + <usize>j);
  } else {
    for (let j = 0; j < 16; j++) {
      const q = <i32>load<u8>(w + 2 + <usize>j);
      s += ((q & 0xf) - 8) * <i32>load<i8>(a + 2 + <usize>j) + ((q >> 4) - 8) * <i32>load<i8>(a + 18 + <usize>j);
    }
  }
  return s;
}
