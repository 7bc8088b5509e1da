// Dot products and GEMV of GGUF rows with a Q8_0 activation (Q4_0 and Q8_0 weights so far).
//
// The kernels read a packed form made once per tensor (ggufPack): float32 block scales in their own
// array, and the codes of every four consecutive blocks of a row interleaved two values at a time,
// (b0 v0 v1, b1 v0 v1, b2 v0 v1, b3 v0 v1, b0 v2 v3, ...), so that one i32x4.dot_i16x8_s lane
// collects one block: the four block sums come out in the four lanes with no horizontal adds.
// Q4_0 keeps its nibbles: the 128 interleaved values of a group are split in 8 runs of 16, and run
// c and run c + 4 share 16 bytes (low and high nibbles). A row's last blocks % 4 blocks stay plain.
//
// Canonical float order, the same in every build: block b's integer sum times (d_w * d_a) is
// added into lane b % 4 of four float32 partial sums, combined at the end as (l0 + l1) + (l2 + l3).
// The integer block sums are exact, and identical to ggml's.
import { loadF16 } from "./common";

const Q4_0: i32 = 2;

// Marker types selecting the weight format at compile time.
class Q4 {}
class Q8 {}

// @ts-ignore: decorator
@inline function isQ4<T>(): bool {
  return idof<T>() == idof<Q4>();
}

/** The code of value j (0-31) of a raw block (Q4_0: 0-15 unsigned; Q8_0: the int8). */
// @ts-ignore: decorator
@inline function rawCode(q4: bool, block: usize, j: i32): i32 {
  if (!q4) return <i32>load<i8>(block + 2 + <usize>j);
  const byte = <i32>load<u8>(block + 2 + <usize>(j & 15));
  return j < 16 ? byte & 0xf : byte >> 4;
}

/** Position in the interleaved order of value j of block k (0-3) of a group. */
// @ts-ignore: decorator
@inline function slot(k: i32, j: i32): i32 {
  return ((j >> 1) * 4 + k) * 2 + (j & 1);
}

/** Raw GGUF rows (Q4_0 or Q8_0) -> packed codes and float32 scales. */
export function ggufPack(type: i32, src: usize, codes: usize, scales: usize, rows: i32, blocks: i32): void {
  const q4 = type == Q4_0;
  const raw: usize = q4 ? 18 : 34;
  const n: usize = q4 ? 16 : 32;
  const groups = blocks >> 2;
  for (let r = 0; r < rows; r++) {
    const row = src + <usize>r * <usize>blocks * raw;
    const out = codes + <usize>r * <usize>blocks * n;
    for (let b = 0; b < blocks; b++) store<f32>(scales + ((<usize>r * <usize>blocks + <usize>b) << 2), loadF16(row + <usize>b * raw));
    for (let g = 0; g < groups; g++) {
      const dst = out + <usize>g * 4 * n;
      if (q4) memory.fill(dst, 0, 64);
      for (let k = 0; k < 4; k++) {
        const block = row + <usize>(g * 4 + k) * raw;
        for (let j = 0; j < 32; j++) {
          const s = slot(k, j);
          const c = rawCode(q4, block, j);
          if (!q4) store<i8>(dst + <usize>s, <i8>c);
          else {
            // Runs of 16 slots: run c in the low nibbles of bytes 16 (c % 4) .., run c + 4 in the high.
            const run = s >> 4;
            const at = dst + <usize>((run & 3) * 16 + (s & 15));
            store<u8>(at, load<u8>(at) | <u8>(run < 4 ? c : c << 4));
          }
        }
      }
    }
    // The plain tail: Q8_0's 32 codes, or Q4_0's 16 bytes of nibbles, as stored.
    for (let b = groups * 4; b < blocks; b++) memory.copy(out + <usize>b * n, row + <usize>b * raw + 2, n);
  }
}

/**
 * y[r] = dot(row r, a) for `rows` packed rows of `blocks` blocks (codes at wq, scales at ws) and a
 * packed Q8_0 activation (codes at aq, scales at as).
 */
export function ggufGemv(type: i32, wq: usize, ws: usize, aq: usize, as: usize, y: usize, rows: i32, blocks: i32): void {
  if (type == Q4_0) gemvRows<Q4>(wq, ws, aq, as, y, rows, blocks);
  else gemvRows<Q8>(wq, ws, aq, as, y, rows, blocks);
}

// @ts-ignore: decorator
@inline function gemvRows<T>(wq: usize, ws: usize, aq: usize, as: usize, y: usize, rows: i32, blocks: i32): void {
  // One row at a time: two rows sharing the activation's loads measured no faster in V8 here.
  const rowBytes = <usize>blocks * (isQ4<T>() ? 16 : 32);
  for (let r = 0; r < rows; r++) {
    store<f32>(y + (<usize>r << 2), rowDot<T>(wq + <usize>r * rowBytes, ws + ((<usize>r * <usize>blocks) << 2), aq, as, blocks));
  }
}

// @ts-ignore: decorator
@inline function rowDot<T>(wq: usize, ws: usize, aq: usize, as: usize, blocks: i32): f32 {
  const n: usize = isQ4<T>() ? 16 : 32;
  const groups = blocks >> 2;
  let l0: f32 = 0, l1: f32 = 0, l2: f32 = 0, l3: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f32x4.splat(0);
    for (let g = 0; g < groups; g++) {
      const sums = groupSums<T>(wq + <usize>g * 4 * n, aq + (<usize>g << 7));
      const scales = f32x4.mul(v128.load(ws + (<usize>g << 4)), v128.load(as + (<usize>g << 4)));
      acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(sums), scales));
    }
    l0 = f32x4.extract_lane(acc, 0);
    l1 = f32x4.extract_lane(acc, 1);
    l2 = f32x4.extract_lane(acc, 2);
    l3 = f32x4.extract_lane(acc, 3);
  } else {
    for (let g = 0; g < groups; g++) {
      const pw = wq + <usize>g * 4 * n, pa = aq + (<usize>g << 7);
      const sw = ws + (<usize>g << 4), sa = as + (<usize>g << 4);
      l0 += <f32>groupSumScalar<T>(pw, pa, 0) * (load<f32>(sw) * load<f32>(sa));
      l1 += <f32>groupSumScalar<T>(pw, pa, 1) * (load<f32>(sw, 4) * load<f32>(sa, 4));
      l2 += <f32>groupSumScalar<T>(pw, pa, 2) * (load<f32>(sw, 8) * load<f32>(sa, 8));
      l3 += <f32>groupSumScalar<T>(pw, pa, 3) * (load<f32>(sw, 12) * load<f32>(sa, 12));
    }
  }
  for (let b = groups * 4; b < blocks; b++) {
    const v = <f32>plainSum<T>(wq + <usize>b * n, aq + (<usize>b << 5)) * (load<f32>(ws + (<usize>b << 2)) * load<f32>(as + (<usize>b << 2)));
    const lane = b & 3;
    if (lane == 0) l0 += v;
    else if (lane == 1) l1 += v;
    else l2 += v; // a plain tail has at most 3 blocks
  }
  return (l0 + l1) + (l2 + l3);
}

// The four block sums of a packed group, lane k = block k.
// @ts-ignore: decorator
@inline function groupSums<T>(w: usize, a: usize): v128 {
  let s0 = i32x4.splat(0), s1 = i32x4.splat(0);
  if (!isQ4<T>()) {
    for (let i = 0; i < 128; i += 32) {
      const pw = w + <usize>i, pa = a + <usize>i;
      s0 = i32x4.add(s0, i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(pw), v128.load8x8_s(pa)), i32x4.dot_i16x8_s(v128.load8x8_s(pw, 8), v128.load8x8_s(pa, 8))));
      s1 = i32x4.add(s1, i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(pw, 16), v128.load8x8_s(pa, 16)), i32x4.dot_i16x8_s(v128.load8x8_s(pw, 24), v128.load8x8_s(pa, 24))));
    }
    return i32x4.add(s0, s1);
  }
  const low = i8x16.splat(0x0f), eight = i8x16.splat(8);
  for (let i = 0; i < 64; i += 16) {
    const v = v128.load(w + <usize>i);
    const lo = i8x16.sub(v128.and(v, low), eight); // run i / 16
    const hi = i8x16.sub(i8x16.shr_u(v, 4), eight); // run i / 16 + 4
    const pa = a + <usize>i, pb = a + 64 + <usize>i;
    s0 = i32x4.add(s0, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(lo), v128.load8x8_s(pa)), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(lo), v128.load8x8_s(pa, 8))));
    s1 = i32x4.add(s1, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(hi), v128.load8x8_s(pb)), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(hi), v128.load8x8_s(pb, 8))));
  }
  return i32x4.add(s0, s1);
}

// Block k's sum in a packed group, one value at a time.
// @ts-ignore: decorator
@inline function groupSumScalar<T>(w: usize, a: usize, k: i32): i32 {
  let s: i32 = 0;
  for (let j = 0; j < 32; j++) {
    const at = slot(k, j);
    let c: i32;
    if (!isQ4<T>()) c = <i32>load<i8>(w + <usize>at);
    else {
      const run = at >> 4;
      const byte = <i32>load<u8>(w + <usize>((run & 3) * 16 + (at & 15)));
      c = (run < 4 ? byte & 0xf : byte >> 4) - 8;
    }
    s += c * <i32>load<i8>(a + <usize>at);
  }
  return s;
}

// A plain (tail) block's sum: Q8_0 codes, or Q4_0 nibbles as stored (value j and j + 16 in byte j).
// @ts-ignore: decorator
@inline function plainSum<T>(w: usize, a: usize): i32 {
  let s: i32 = 0;
  if (!isQ4<T>()) {
    for (let j = 0; j < 32; j++) s += <i32>load<i8>(w + <usize>j) * <i32>load<i8>(a + <usize>j);
  } else {
    for (let j = 0; j < 16; j++) {
      const q = <i32>load<u8>(w + <usize>j);
      s += ((q & 0xf) - 8) * <i32>load<i8>(a + <usize>j) + ((q >> 4) - 8) * <i32>load<i8>(a + 16 + <usize>j);
    }
  }
  return s;
}
