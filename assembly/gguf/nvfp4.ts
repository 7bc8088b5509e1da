// NVFP4: blocks of 64 values in four runs of 16: four UE4M3 scale bytes, then 8 bytes of 4-bit E2M1
// codes per run (value j low nibble, j + 8 high nibble); x = fp4(code) * scale, with ggml's doubled
// E2M1 values (as MXFP4) and the scale halved to match.
import { absMax, highNibbles, lookup16, lowNibbles, storeScaled16 } from "./common";
import { FP4_DOUBLED, nearestFp4 } from "./mxfp4";
import { setCode, setD } from "./unpacked";

export const NVFP4_BYTES = 36;

/** A UE4M3 byte (4 exponent bits, bias 7, 3 mantissa bits; 0x7f reads as 0), halved. Exact in float32. */
// @ts-ignore: decorator
@inline function halfUe4m3(u: i32): f32 {
  // Both forms computed and selected, not branched on: real scale bytes vary block to block.
  const e = (u >> 3) & 0xf, m = u & 7;
  const small = <f32>m * reinterpret<f32>(0x3a800000), normal = <f32>(m + 8) * reinterpret<f32>((e - 11 + 127) << 23);
  return select<f32>(0, select<f32>(small, normal, e == 0), u == 0x7f);
}

/** halfUe4m3 of four scale bytes (the low byte first), in four lanes: the same operations. */
// @ts-ignore: decorator
@inline function halfUe4m3x4(at: usize): v128 {
  const u = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(at)));
  const e = v128.and(i32x4.shr_u(u, 3), i32x4.splat(0xf)), m = v128.and(u, i32x4.splat(7));
  const small = f32x4.mul(f32x4.convert_i32x4_s(m), f32x4.splat(reinterpret<f32>(0x3a800000)));
  const normal = f32x4.mul(f32x4.convert_i32x4_s(i32x4.add(m, i32x4.splat(8))), i32x4.shl(i32x4.add(e, i32x4.splat(127 - 11)), 23));
  const scale = v128.bitselect(small, normal, i32x4.eq(e, i32x4.splat(0)));
  return v128.andnot(scale, i32x4.eq(u, i32x4.splat(0x7f)));
}

// 16 values of run s: fp4 codes of the 8 bytes at q through the table t, times lane s of scales.
// @ts-ignore: decorator
@inline function run16(out: usize, q: usize, t: v128, scales: v128, s: i32): void {
  const v = v128.load64_zero(q);
  const codes = i8x16.shuffle(lowNibbles(v), highNibbles(v), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  const vd = s == 0 ? i32x4.shuffle(scales, scales, 0, 0, 0, 0) : s == 1 ? i32x4.shuffle(scales, scales, 1, 1, 1, 1) : s == 2 ? i32x4.shuffle(scales, scales, 2, 2, 2, 2) : i32x4.shuffle(scales, scales, 3, 3, 3, 3);
  storeScaled16(out, lookup16(t, codes), vd);
}

/** x as UE4M3 as ggml rounds it: the top three mantissa bits, rounded half up; saturating at 0x7e. */
function toUe4m3(x: f32): i32 {
  if (!(x > 0)) return 0;
  if (x > 448) x = 448;
  const bits = reinterpret<u32>(x);
  let e = <i32>((bits >> 23) & 0xff) - 127 + 7;
  if (e <= 0) {
    const m = min(7, <i32>(x * 512 + 0.5));
    return m < 1 ? 0 : m;
  }
  if (e >= 15) return 0x7e;
  let m = <i32>((bits >> 20) & 7) + <i32>((bits >> 19) & 1);
  if (m > 7) {
    m = 0;
    if (++e >= 15) return 0x7e;
  }
  return (e << 3) | m;
}

// ggml's reference quantizer: per run the scale max |x| / 6 in UE4M3, then the nearest code per value.
export function quantizeNVFP4(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const dst = out + <usize>b * NVFP4_BYTES;
    for (let s = 0; s < 4; s++) {
      const xb = x + (<usize>(64 * b + 16 * s) << 2);
      const u = toUe4m3(absMax(xb, 16) / 6);
      store<u8>(dst + <usize>s, <u8>u);
      const d = halfUe4m3(u);
      for (let j = 0; j < 8; j++) {
        const lo = nearestFp4(load<f32>(xb + (<usize>j << 2)), d), hi = nearestFp4(load<f32>(xb + (<usize>(j + 8) << 2)), d);
        store<u8>(dst + 4 + <usize>(8 * s + j), <u8>(lo | (hi << 4)));
      }
    }
  }
}

export function dequantizeNVFP4(src: usize, y: usize, blocks: i32): void {
  if (ASC_FEATURE_SIMD) {
    const t = v128.load(changetype<usize>(FP4_DOUBLED));
    for (let b = 0; b < blocks; b++) {
      const block = src + <usize>b * NVFP4_BYTES;
      // The four scales at once, the four runs written out (each run's 8 bytes: values 0-7 in
      // the low nibbles, 8-15 in the high ones).
      const scales = halfUe4m3x4(block), out = y + (<usize>b << 8);
      run16(out, block + 4, t, scales, 0);
      run16(out + 64, block + 12, t, scales, 1);
      run16(out + 128, block + 20, t, scales, 2);
      run16(out + 192, block + 28, t, scales, 3);
    }
    return;
  }
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * NVFP4_BYTES;
    for (let s = 0; s < 4; s++) {
      const d = halfUe4m3(<i32>load<u8>(block + <usize>s));
      const out = y + (<usize>(64 * b + 16 * s) << 2);
      for (let j = 0; j < 8; j++) {
        const c = <i32>load<u8>(block + 4 + <usize>(8 * s + j));
        store<f32>(out + (<usize>j << 2), <f32>unchecked(FP4_DOUBLED[c & 0xf]) * d);
        store<f32>(out + (<usize>(j + 8) << 2), <f32>unchecked(FP4_DOUBLED[c >> 4]) * d);
      }
    }
  }
}

/** Codebook indices (doubled E2M1) and the four halved run scales, for the dot-product packer. */
export function unpackNVFP4(block: usize): void {
  for (let s = 0; s < 4; s++) {
    for (let j = 0; j < 8; j++) {
      const c = <i32>load<u8>(block + 4 + <usize>(8 * s + j));
      setCode(16 * s + j, c & 0xf);
      setCode(16 * s + j + 8, c >> 4);
    }
    setD(s, halfUe4m3(<i32>load<u8>(block + <usize>s)), 0);
  }
}
