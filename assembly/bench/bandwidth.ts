// The memory roofline that the benchmarks compare kernels against: how fast this device's
// WebAssembly reads (and copies) a buffer, with the widest loads the build has.

/** Reads `bytes` (a multiple of 64) at `p` and returns a checksum, so the reads cannot be dropped. */
export function readBytes(p: usize, bytes: i32): i32 {
  if (ASC_FEATURE_SIMD) {
    let a = i32x4.splat(0), b = i32x4.splat(0), c = i32x4.splat(0), d = i32x4.splat(0);
    for (let i = 0; i < bytes; i += 64) {
      const q = p + <usize>i;
      a = i32x4.add(a, v128.load(q));
      b = i32x4.add(b, v128.load(q, 16));
      c = i32x4.add(c, v128.load(q, 32));
      d = i32x4.add(d, v128.load(q, 48));
    }
    const s = i32x4.add(i32x4.add(a, b), i32x4.add(c, d));
    return i32x4.extract_lane(s, 0) ^ i32x4.extract_lane(s, 1) ^ i32x4.extract_lane(s, 2) ^ i32x4.extract_lane(s, 3);
  }
  let a: i64 = 0, b: i64 = 0;
  for (let i = 0; i < bytes; i += 16) {
    a += load<i64>(p + <usize>i);
    b += load<i64>(p + <usize>i, 8);
  }
  return <i32>(a ^ b);
}

/** Writes `bytes` (a multiple of 64) at dst, each byte `value`: the bound of a kernel that mostly writes. */
export function writeBytes(dst: usize, bytes: i32, value: i32): void {
  if (ASC_FEATURE_SIMD) {
    const v = i8x16.splat(<i8>value);
    for (let i = 0; i < bytes; i += 64) {
      const d = dst + <usize>i;
      v128.store(d, v);
      v128.store(d, v, 16);
      v128.store(d, v, 32);
      v128.store(d, v, 48);
    }
    return;
  }
  const v = <i64>(value & 255) * 0x0101010101010101;
  for (let i = 0; i < bytes; i += 16) {
    store<i64>(dst + <usize>i, v);
    store<i64>(dst + <usize>i, v, 8);
  }
}

/** Copies `bytes` (a multiple of 64) from src to dst. */
export function copyBytes(dst: usize, src: usize, bytes: i32): void {
  if (ASC_FEATURE_SIMD) {
    for (let i = 0; i < bytes; i += 64) {
      const s = src + <usize>i, d = dst + <usize>i;
      v128.store(d, v128.load(s));
      v128.store(d, v128.load(s, 16), 16);
      v128.store(d, v128.load(s, 32), 32);
      v128.store(d, v128.load(s, 48), 48);
    }
    return;
  }
  for (let i = 0; i < bytes; i += 16) {
    store<i64>(dst + <usize>i, load<i64>(src + <usize>i));
    store<i64>(dst + <usize>i, load<i64>(src + <usize>i, 8), 8);
  }
}
