// Q8_0: blocks of 32 values, an fp16 scale d then 32 int8, x = q * d. ggml's reference quantizer:
// d = max|x| / 127, q = roundf(x / d) (computed as x * (1 / d)).
import { f16FromF32Bits } from "../convert/f16";
import { absMax, absMaxLanes, castInt, loadF16, roundAway, roundAway16, storeF16, storeScaled16, sumFour } from "./common";
import { setCode, setD } from "./unpacked";

export const Q8_0_BLOCK = 32;
export const Q8_0_BYTES = 34;

export function quantizeQ8_0(x: usize, out: usize, blocks: i32): void {
  quantizeQ8(x, out, blocks, Q8_0_BYTES, 2, false);
}

/**
 * Q8_0's quantizer for blocks of `bytes` bytes with the codes at `at`; with `sums`, Q8_1's: fp16 d *
 * (sum of the codes) at byte 2. SIMD builds take four blocks at a time, so that d, 1 / d and fp16(d)
 * are made once as vectors (the same IEEE operations as one block at a time), and make the next four
 * blocks' scales before this four's codes: the scales' chain of max, divides and conversion then
 * overlaps codes that do not wait on it (1.05-1.15x over scales and codes in turn).
 */
export function quantizeQ8(x: usize, out: usize, blocks: i32, bytes: usize, at: usize, sums: bool): void {
  let b = 0;
  if (ASC_FEATURE_SIMD && blocks >= 4) {
    let d = scalesOfFour(x), id2 = twiceInverseOf(d);
    for (; b + 4 <= blocks; b += 4) {
      const src = x + <usize>b * (Q8_0_BLOCK << 2), dst = out + <usize>b * bytes;
      const nd = b + 8 <= blocks ? scalesOfFour(src + 512) : d;
      const nid2 = twiceInverseOf(nd);
      if (i32x4.all_true(f32x4.lt(id2, f32x4.splat(Infinity)))) {
        // fp16(d) a block at a time on the integer units: the vector conversion's seven constants,
        // which V8 rebuilt and spilled at every pass, cost this loop 1.12x (Q8_0; Q8_1 1.06x).
        const s0 = block8(src, dst, at, v128.shuffle<f32>(id2, id2, 0, 0, 0, 0), f16FromF32Bits(i32x4.extract_lane(d, 0)));
        const s1 = block8(src + 128, dst + bytes, at, v128.shuffle<f32>(id2, id2, 1, 1, 1, 1), f16FromF32Bits(i32x4.extract_lane(d, 1)));
        const s2 = block8(src + 256, dst + 2 * bytes, at, v128.shuffle<f32>(id2, id2, 2, 2, 2, 2), f16FromF32Bits(i32x4.extract_lane(d, 2)));
        const s3 = block8(src + 384, dst + 3 * bytes, at, v128.shuffle<f32>(id2, id2, 3, 3, 3, 3), f16FromF32Bits(i32x4.extract_lane(d, 3)));
        if (sums) {
          // Lane k: block k's code sum times d.
          const sd = f32x4.mul(f32x4.convert_i32x4_s(sumFour(s0, s1, s2, s3)), d);
          store<u16>(dst + 2, <u16>f16FromF32Bits(i32x4.extract_lane(sd, 0)));
          store<u16>(dst + bytes + 2, <u16>f16FromF32Bits(i32x4.extract_lane(sd, 1)));
          store<u16>(dst + 2 * bytes + 2, <u16>f16FromF32Bits(i32x4.extract_lane(sd, 2)));
          store<u16>(dst + 3 * bytes + 2, <u16>f16FromF32Bits(i32x4.extract_lane(sd, 3)));
        }
      } else quantizeQ8Blocks(x, out, b, b + 4, bytes, at, sums);
      d = nd;
      id2 = nid2;
    }
  }
  quantizeQ8Blocks(x, out, b, blocks, bytes, at, sums);
}

/**
 * quantizeQ8's blocks b0 .. b1 - 1 one at a time: the last few, and any four of which one's 2 / d
 * overflowed (d subnormal: some x * id may then be infinite or NaN, and take C's cast). That case
 * had a vector path of its own; this one is as fast where it matters and keeps the SIMD loop to one
 * path.
 */
function quantizeQ8Blocks(x: usize, out: usize, b0: i32, b1: i32, bytes: usize, at: usize, sums: bool): void {
  for (let b = b0; b < b1; b++) {
    const src = x + <usize>b * (Q8_0_BLOCK << 2);
    const dst = out + <usize>b * bytes;
    const d: f32 = absMax(src, Q8_0_BLOCK) / 127;
    const id: f32 = d != 0 ? 1 / d : 0;
    storeF16(dst, d);
    let sum: i32 = 0;
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      const q = <i32><i8>castInt(roundAway(load<f32>(src + (<usize>j << 2)) * id));
      store<i8>(dst + at + <usize>j, <i8>q);
      sum += q;
    }
    if (sums) storeF16(dst + 2, <f32>sum * d);
  }
}

// Lane k: d = max|x| / 127 of block k of the four at src.
// @ts-ignore: decorator
@inline function scalesOfFour(src: usize): v128 {
  const m = maxOfFour(absMaxLanes(src, 32), absMaxLanes(src + 128, 32), absMaxLanes(src + 256, 32), absMaxLanes(src + 384, 32));
  return f32x4.div(m, f32x4.splat(127));
}

// 2 * id, with ggml's id = 1 / d, 0 where d is 0 (roundAway16's scale).
// @ts-ignore: decorator
@inline function twiceInverseOf(d: v128): v128 {
  const id = v128.and(f32x4.div(f32x4.splat(1), d), f32x4.ne(d, f32x4.splat(0)));
  return f32x4.add(id, id);
}

// Lane k: the largest lane of vector k.
// @ts-ignore: decorator
@inline function maxOfFour(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.max_s(v128.shuffle<i32>(a, b, 0, 1, 4, 5), v128.shuffle<i32>(a, b, 2, 3, 6, 7));
  const cd = i32x4.max_s(v128.shuffle<i32>(c, d, 0, 1, 4, 5), v128.shuffle<i32>(c, d, 2, 3, 6, 7));
  return i32x4.max_s(v128.shuffle<i32>(ab, cd, 0, 2, 4, 6), v128.shuffle<i32>(ab, cd, 1, 3, 5, 7));
}

// One block's fp16 d and codes, given a finite 2 / d in every lane; returns its codes' sums in four lanes.
// @ts-ignore: decorator
@inline function block8(src: usize, dst: usize, at: usize, id2: v128, h: u32): v128 {
  store<u16>(dst, <u16>h);
  const lo = roundAway16(src, id2);
  // Stored before the next 16 are loaded, so that V8 keeps 16 values in flight, not 32 (fewer spills).
  v128.store(dst + at, lo);
  const hi = roundAway16(src + 64, id2);
  v128.store(dst + at, hi, 16);
  return i32x4.extadd_pairwise_i16x8_s(i16x8.add(i16x8.extadd_pairwise_i8x16_s(lo), i16x8.extadd_pairwise_i8x16_s(hi)));
}

export function dequantizeQ8_0(src: usize, y: usize, blocks: i32): void {
  dequantizeQ8(src, y, blocks, Q8_0_BYTES, 2);
}

/** Q8_0's dequantizer for blocks of `bytes` bytes with the codes at `at` (Q8_1's too). */
export function dequantizeQ8(src: usize, y: usize, blocks: i32, bytes: usize, at: usize): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * bytes;
    const out = y + <usize>b * (Q8_0_BLOCK << 2);
    const d = loadF16(block);
    if (ASC_FEATURE_SIMD) {
      const vd = f32x4.splat(d);
      storeScaled16(out, v128.load(block + at), vd);
      storeScaled16(out + 64, v128.load(block + at + 16), vd);
      continue;
    }
    for (let j = 0; j < Q8_0_BLOCK; j++) store<f32>(out + (<usize>j << 2), <f32>load<i8>(block + at + <usize>j) * d);
  }
}

/** Codes and d, for the dot-product packer. */
export function unpackQ8_0(block: usize): void {
  for (let j = 0; j < 32; j++) setCode(j, <i32>load<i8>(block + 2 + <usize>j));
  setD(0, loadF16(block), 0);
}
