// MXFP4: blocks of 32 values: an E8M0 exponent byte e, then 16 bytes of 4-bit E2M1 codes (value j
// low nibble, j + 16 high nibble); x = fp4(code) * 2^(e - 127), with the E2M1 values doubled
// (ggml's table) and the scale halved to match: 2^(e - 128), exact as a float32 bit pattern.
import { absMax, castInt, highNibbles, lowNibbles, storeScaled16 } from "./common";
import { setD, setNibbleCodes } from "./unpacked";

export const MXFP4_BYTES = 17;

export const FP4_DOUBLED: StaticArray<i8> = [0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12];

// @ts-ignore: decorator
@inline function halfScale(e: i32): f32 {
  return reinterpret<f32>(e < 2 ? 0x00200000 << e : (e - 1) << 23);
}

export function dequantizeMXFP4(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * MXFP4_BYTES;
    const d = halfScale(<i32>load<u8>(block));
    const out = y + (<usize>b << 7);
    if (ASC_FEATURE_SIMD) {
      const t = v128.load(changetype<usize>(FP4_DOUBLED)), v = v128.load(block + 1), vd = f32x4.splat(d);
      storeScaled16(out, i8x16.swizzle(t, lowNibbles(v)), vd);
      storeScaled16(out + 64, i8x16.swizzle(t, highNibbles(v)), vd);
      continue;
    }
    for (let j = 0; j < 16; j++) {
      const c = <i32>load<u8>(block + 1 + <usize>j);
      store<f32>(out + (<usize>j << 2), <f32>unchecked(FP4_DOUBLED[c & 0xf]) * d);
      store<f32>(out + (<usize>(j + 16) << 2), <f32>unchecked(FP4_DOUBLED[c >> 4]) * d);
    }
  }
}

/** The first code whose value (times the scale d) lies nearest v (ggml's best_index_mxfp4). */
// @ts-ignore: decorator
@inline export function nearestFp4(v: f32, d: f32): i32 {
  let best = 0;
  let bestErr = abs(<f32>unchecked(FP4_DOUBLED[0]) * d - v);
  for (let i = 1; i < 16; i++) {
    const err = abs(<f32>unchecked(FP4_DOUBLED[i]) * d - v);
    if (err < bestErr) {
      best = i;
      bestErr = err;
    }
  }
  return best;
}

// ggml's reference quantizer: the exponent floor(log2(max |x|)) - 2 (log2 rounded to float32 first,
// as log2f gives it), then the nearest code for each value.
export function quantizeMXFP4(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 7), dst = out + <usize>b * MXFP4_BYTES;
    const amax = absMax(src, 32);
    const e = amax > 0 ? castInt(floor(<f32>Math.log2(<f64>amax)) - 2 + 127) & 0xff : 0;
    store<u8>(dst, <u8>e);
    const d = halfScale(e);
    for (let j = 0; j < 16; j++) {
      const lo = nearestFp4(load<f32>(src + (<usize>j << 2)), d);
      const hi = nearestFp4(load<f32>(src + (<usize>(j + 16) << 2)), d);
      store<u8>(dst + 1 + <usize>j, <u8>(lo | (hi << 4)));
    }
  }
}

/** Codebook indices (doubled E2M1) and the halved scale, for the dot-product packer. */
export function unpackMXFP4(block: usize): void {
  setNibbleCodes(block + 1, 0);
  setD(0, halfScale(<i32>load<u8>(block)), 0);
}
