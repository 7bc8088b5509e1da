// MXFP4: blocks of 32 values: an E8M0 exponent byte e, then 16 bytes of 4-bit E2M1 codes (value j
// low nibble, j + 16 high nibble); x = fp4(code) * 2^(e - 127), with the E2M1 values doubled
// (ggml's table) and the scale halved to match: 2^(e - 128), exact as a float32 bit pattern.
export const MXFP4_BYTES = 17;

const FP4_DOUBLED: StaticArray<i8> = [0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12];

// @ts-ignore: decorator
@inline function halfScale(e: i32): f32 {
  return reinterpret<f32>(e < 2 ? 0x00200000 << e : (e - 1) << 23);
}

export function dequantizeMXFP4(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * MXFP4_BYTES;
    const d = halfScale(<i32>load<u8>(block));
    const out = y + (<usize>b << 7);
    for (let j = 0; j < 16; j++) {
      const c = <i32>load<u8>(block + 1 + <usize>j);
      store<f32>(out + (<usize>j << 2), <f32>unchecked(FP4_DOUBLED[c & 0xf]) * d);
      store<f32>(out + (<usize>(j + 16) << 2), <f32>unchecked(FP4_DOUBLED[c >> 4]) * d);
    }
  }
}
