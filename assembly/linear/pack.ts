// int4 / uint4: two codes per byte, the first in the low nibble (ONNX's layout). An odd count
// leaves the last high nibble 0.

/** codes (one per byte, within 4 bits) -> packed nibbles; writes ceil(n / 2) bytes. */
export function packNibbles(codes: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // As i16 lanes, each pair of codes is c0 | c1 << 8: keep c0's low nibble, move c1's down by 4.
    const low = i16x8.splat(0x000f), high = i16x8.splat(0x00f0);
    for (; i + 32 <= n; i += 32) {
      const a = v128.load(codes + <usize>i), b = v128.load(codes + <usize>i, 16);
      const pa = v128.or(v128.and(a, low), v128.and(i16x8.shr_u(a, 4), high));
      const pb = v128.or(v128.and(b, low), v128.and(i16x8.shr_u(b, 4), high));
      v128.store(out + (<usize>i >> 1), i8x16.narrow_i16x8_u(pa, pb));
    }
  }
  for (; i + 1 < n; i += 2) {
    store<u8>(out + (<usize>i >> 1), (load<u8>(codes + <usize>i) & 0xf) | (load<u8>(codes + <usize>i, 1) << 4));
  }
  if (i < n) store<u8>(out + (<usize>i >> 1), load<u8>(codes + <usize>i) & 0xf);
}

/** packed nibbles -> one code per byte, sign-extended from 4 bits when `signed`. */
export function unpackNibbles(packed: usize, codes: usize, n: i32, signed: bool): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const low = i8x16.splat(0x0f);
    for (; i + 32 <= n; i += 32) {
      const p = v128.load(packed + (<usize>i >> 1));
      let lo = v128.and(p, low);
      let hi = i8x16.shr_u(p, 4);
      if (signed) {
        // Sign-extend 4 -> 8 bits: shift the nibble to the top, then arithmetic shift back.
        lo = i8x16.shr_s(i8x16.shl(lo, 4), 4);
        hi = i8x16.shr_s(p, 4);
      }
      v128.store(codes + <usize>i, i8x16.shuffle(lo, hi, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23));
      v128.store(codes + <usize>i, i8x16.shuffle(lo, hi, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31), 16);
    }
  }
  for (; i < n; i++) {
    const byte = <i32>load<u8>(packed + (<usize>i >> 1));
    const nibble = (i & 1) ? byte >> 4 : byte & 0xf;
    store<i8>(codes + <usize>i, <i8>(signed ? (nibble << 28) >> 28 : nibble));
  }
}
