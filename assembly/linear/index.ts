// Linear quantization over a tensor viewed as [outer, axisLen, inner] around the quantization axis.
// Every layout reduces to two kinds of contiguous run: one scale for the whole run (per tensor,
// per axis with inner > 1, blocks along the last axis), or one scale per element (per axis on the
// last axis, blocks with inner > 1), so every axis gets vector code and none has a cliff. One walk
// serves quantize, dequantize and the parameter ranges; the run kernels are chosen at compile time.
import { dequantizeEach, dequantizeRun, quantizeEach, quantizeRun } from "./quantize";
import { rangeEach, rangeRun } from "./range";

// Output types, as the TypeScript side numbers them.
const INT8 = 0, UINT8 = 1, INT16 = 2, UINT16 = 3, INT4 = 4, UINT4 = 5;

// Which kernels a walk runs.
class Quantize {}
class Dequantize {}
class Range {}

/** Per axis when blockSize is 0, else blocks of blockSize along the axis (scale: [outer, nblocks, inner]). */
export function quantizeLinear(x: usize, q: usize, outer: i32, axisLen: i32, inner: i32, scale: usize, zp: usize, blockSize: i32, type: i32): void {
  if (type == INT8) walk<Quantize, i8>(x, q, outer, axisLen, inner, scale, zp, blockSize, -128, 127);
  else if (type == UINT8) walk<Quantize, u8>(x, q, outer, axisLen, inner, scale, zp, blockSize, 0, 255);
  else if (type == INT16) walk<Quantize, i16>(x, q, outer, axisLen, inner, scale, zp, blockSize, -32768, 32767);
  else if (type == UINT16) walk<Quantize, u16>(x, q, outer, axisLen, inner, scale, zp, blockSize, 0, 65535);
  else if (type == INT4) walk<Quantize, i8>(x, q, outer, axisLen, inner, scale, zp, blockSize, -8, 7);
  else if (type == UINT4) walk<Quantize, u8>(x, q, outer, axisLen, inner, scale, zp, blockSize, 0, 15);
}

export function dequantizeLinear(q: usize, y: usize, outer: i32, axisLen: i32, inner: i32, scale: usize, zp: usize, blockSize: i32, type: i32): void {
  if (type == INT8 || type == INT4) walk<Dequantize, i8>(q, y, outer, axisLen, inner, scale, zp, blockSize, 0, 0);
  else if (type == UINT8 || type == UINT4) walk<Dequantize, u8>(q, y, outer, axisLen, inner, scale, zp, blockSize, 0, 0);
  else if (type == INT16) walk<Dequantize, i16>(q, y, outer, axisLen, inner, scale, zp, blockSize, 0, 0);
  else if (type == UINT16) walk<Dequantize, u16>(q, y, outer, axisLen, inner, scale, zp, blockSize, 0, 0);
}

/** The minimum and maximum (both starting at 0) of each scale's slice of x, into lo and hi. */
export function rangeLinear(x: usize, outer: i32, axisLen: i32, inner: i32, blockSize: i32, lo: usize, hi: usize, scales: i32): void {
  memory.fill(lo, 0, <usize>scales << 2);
  memory.fill(hi, 0, <usize>scales << 2);
  walk<Range, f32>(x, 0, outer, axisLen, inner, lo, hi, blockSize, 0, 0);
}

// `a` is the input and `b` the output of element index 0; `s` and `z` hold one f32 / i32 per scale
// (for Range, the lo and hi arrays); `lo` and `hi` are the quantization bounds.
// @ts-ignore: decorator
@inline function walk<K, T>(a: usize, b: usize, outer: i32, axisLen: i32, inner: i32, s: usize, z: usize, blockSize: i32, lo: f32, hi: f32): void {
  const blocks = blockSize == 0 ? 0 : (axisLen + blockSize - 1) / blockSize;
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>axisLen * <usize>inner;
    if (blockSize == 0 && inner == 1) {
      visit<K, T>(a, b, base, axisLen, 0, true, s, z, lo, hi); // the whole last axis, one scale each
      continue;
    }
    for (let a_ = 0; a_ < axisLen; a_++) {
      const at = base + <usize>a_ * <usize>inner;
      if (blockSize == 0) {
        visit<K, T>(a, b, at, inner, <usize>a_, false, s, z, lo, hi);
        continue;
      }
      const k = (<usize>o * <usize>blocks + <usize>(a_ / blockSize)) * <usize>inner;
      if (inner == 1) {
        // A whole block of the last axis shares one scale: one run, then on to the next block.
        const n = min(blockSize, axisLen - a_);
        visit<K, T>(a, b, at, n, k, false, s, z, lo, hi);
        a_ += n - 1;
      } else {
        visit<K, T>(a, b, at, inner, k, true, s, z, lo, hi);
      }
    }
  }
}

/**
 * n elements from element `at`: with scale k for all (each = false) or scales k, k + 1, ... (each).
 * Not inlined: one call per run costs nothing next to the run, and keeps the builds small.
 */
function visit<K, T>(a: usize, b: usize, at: usize, n: i32, k: usize, each: bool, s: usize, z: usize, lo: f32, hi: f32): void {
  const sk = s + (k << 2), zk = z + (k << 2);
  if (idof<K>() == idof<Quantize>()) {
    const x = a + (at << 2), q = b + at * <usize>sizeof<T>();
    if (each) quantizeEach<T>(x, q, n, sk, zk, lo, hi);
    else quantizeRun<T>(x, q, n, load<f32>(sk), <f32>load<i32>(zk), lo, hi);
  } else if (idof<K>() == idof<Dequantize>()) {
    const q = a + at * <usize>sizeof<T>(), y = b + (at << 2);
    if (each) dequantizeEach<T>(q, y, n, sk, zk);
    else dequantizeRun<T>(q, y, n, load<f32>(sk), load<i32>(zk));
  } else {
    if (each) rangeEach(a + (at << 2), n, sk, zk);
    else rangeRun(a + (at << 2), n, sk, zk);
  }
}
