// Q3_K: super-blocks of 256 values: 32 bytes of high-bit masks, 64 bytes of 2-bit codes, 12 bytes of
// sixteen 6-bit scales (biased by 32), fp16 d last; x = d * (scale - 32) * (q - (high bit ? 0 : 4)).
// Codes are laid out as Q2_K's; bit m of mask byte l belongs to the same value as bit pair m % 4 of
// code byte l of the (m / 4)-th 128 values.
import { bitPairs, byteConst, loadF16, nearestInt, storeF16, storeScaled16 } from "./common";
import { CODES, fitSymmetric, fitSymmetricFour, fitSymmetricRefined, importance, SCALE_CODES, SCALES, SUM_WEIGHTS, sumSquares, WEIGHTS } from "./fit";
import { packCrumbs } from "./q2_k";
import { setCode, setD, setScale } from "./unpacked";

export const Q3_K_BYTES = 110;

// The 16 scales: low 4 bits from bytes 0-7, high 2 bits from bytes 8-11.
// @ts-ignore: decorator
@inline function scale(s: usize, i: i32): i32 {
  const low = i < 8 ? <i32>load<u8>(s + <usize>i) & 0xf : <i32>load<u8>(s + <usize>(i - 8)) >> 4;
  const high = (<i32>load<u8>(s + 8 + <usize>(i & 3)) >> ((i >> 2) << 1)) & 3;
  return (low | (high << 4)) - 32;
}

// 32 values: bit pair `shift` of the code bytes lo, hi, less 4 where mask bit `m` of hlo, hhi is
// clear, times d * (scale - 32) of scales `is` and is + 1.
// @ts-ignore: decorator
@inline function thirtyTwo(out: usize, lo: v128, hi: v128, hlo: v128, hhi: v128, shift: i32, m: i32, scales: usize, is: i32, d: f32): void {
  const bit = i8x16.splat(<i8>m), four = byteConst(4), zero = i8x16.splat(0);
  const clear0 = i8x16.eq(v128.and(hlo, bit), zero), clear1 = i8x16.eq(v128.and(hhi, bit), zero);
  storeScaled16(out, i8x16.sub(bitPairs(lo, shift), v128.and(clear0, four)), f32x4.splat(d * <f32>scale(scales, is)));
  storeScaled16(out + 64, i8x16.sub(bitPairs(hi, shift), v128.and(clear1, four)), f32x4.splat(d * <f32>scale(scales, is + 1)));
}

export function dequantizeQ3_K(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q3_K_BYTES;
    const d = loadF16(block + 108);
    const hm = block, scales = block + 96;
    let out = y + (<usize>b << 10);
    if (ASC_FEATURE_SIMD) {
      // All eight 32-value steps written out, so that shifts, masks and scale indices are
      // constants (as loops it ran 1.3x slower).
      const hlo = v128.load(hm), hhi = v128.load(hm + 16);
      let lo = v128.load(block + 32), hi = v128.load(block + 48);
      thirtyTwo(out, lo, hi, hlo, hhi, 0, 1, scales, 0, d);
      thirtyTwo(out + 128, lo, hi, hlo, hhi, 2, 2, scales, 2, d);
      thirtyTwo(out + 256, lo, hi, hlo, hhi, 4, 4, scales, 4, d);
      thirtyTwo(out + 384, lo, hi, hlo, hhi, 6, 8, scales, 6, d);
      lo = v128.load(block + 64);
      hi = v128.load(block + 80);
      thirtyTwo(out + 512, lo, hi, hlo, hhi, 0, 16, scales, 8, d);
      thirtyTwo(out + 640, lo, hi, hlo, hhi, 2, 32, scales, 10, d);
      thirtyTwo(out + 768, lo, hi, hlo, hhi, 4, 64, scales, 12, d);
      thirtyTwo(out + 896, lo, hi, hlo, hhi, 6, 128, scales, 14, d);
      continue;
    }
    let is = 0, m = 1;
    for (let n = 0; n < 2; n++) {
      const q = block + 32 + <usize>n * 32;
      for (let shift = 0; shift < 8; shift += 2) {
        for (let half = 0; half < 2; half++) {
          const dl = d * <f32>scale(scales, is);
          is++;
          for (let l = 0; l < 16; l++) {
            const at = <usize>(half * 16 + l);
            const c = ((<i32>load<u8>(q + at) >> shift) & 3) - (<i32>load<u8>(hm + at) & m ? 0 : 4);
            store<f32>(out, dl * <f32>c);
            out += 4;
          }
        }
        m <<= 1;
      }
    }
  }
}

// ggml's reference quantizer: per 16 values a refined symmetric fit, the 16 scales coded in 6 bits
// against the largest.
export function quantizeQ3_K(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * Q3_K_BYTES;
    let maxScale: f32 = 0, amax: f32 = 0;
    for (let j = 0; j < 16; j++) {
      const s = fitSymmetricRefined(16, 4, src + (<usize>j << 6), CODES + <usize>(16 * j));
      store<f32>(SCALES + (<usize>j << 2), s);
      if (abs(s) > amax) {
        amax = abs(s);
        maxScale = s;
      }
    }
    memory.fill(dst + 96, 0, 12);
    if (maxScale != 0) {
      const iscale: f32 = -32 / maxScale;
      // ggml keeps the code in an int8 before clamping it.
      for (let j = 0; j < 16; j++) storeScale(dst + 96, j, max(-32, min(31, <i32><i8>nearestInt(iscale * load<f32>(SCALES + (<usize>j << 2))))) + 32);
      storeF16(dst + 108, 1 / iscale);
    } else {
      storeF16(dst + 108, 0);
    }
    finishQ3_K(src, dst);
  }
}

// With importance weights: weighted symmetric fits, then the scales fitted the same way.
export function quantizeQ3_KWeighted(x: usize, out: usize, n: i32, qw: usize): void {
  for (let b = 0; b < n >> 8; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * Q3_K_BYTES;
    const sigma2: f32 = 2 * sumSquares(src, 256) / 256;
    for (let j = 0; j < 16; j += 4) {
      for (let k = 0; k < 4; k++) {
        const xs = src + (<usize>(j + k) << 6);
        store<f32>(SUM_WEIGHTS + (<usize>(j + k) << 2), importance(xs, qw + (<usize>(256 * b + 16 * (j + k)) << 2), sigma2, 16, WEIGHTS + (<usize>k << 6)));
      }
      fitSymmetricFour(4, 16, 4, src + (<usize>j << 6), CODES + <usize>(16 * j), WEIGHTS, SCALES + (<usize>j << 2));
    }
    memory.fill(dst + 96, 0, 12);
    const d = fitSymmetric(16, 32, SCALES, SCALE_CODES, SUM_WEIGHTS);
    for (let j = 0; j < 16; j++) storeScale(dst + 96, j, <i32>load<u8>(SCALE_CODES + <usize>j));
    storeF16(dst + 108, d);
    finishQ3_K(src, dst);
  }
}

// A 6-bit scale code: low 4 bits in bytes 0-7 (two per byte), high 2 bits in bytes 8-11.
function storeScale(s: usize, j: i32, l: i32): void {
  if (j < 8) store<u8>(s + <usize>j, <u8>(l & 0xf));
  else store<u8>(s + <usize>(j - 8), load<u8>(s + <usize>(j - 8)) | <u8>((l & 0xf) << 4));
  const h = s + 8 + <usize>(j & 3);
  store<u8>(h, load<u8>(h) | <u8>((l >> 4) << (2 * (j >> 2))));
}

// Codes again from the stored scales; the third bit goes to the masks, the low two are packed as Q2_K's.
function finishQ3_K(src: usize, dst: usize): void {
  const d = loadF16(dst + 108);
  for (let j = 0; j < 16; j++) {
    const dl = d * <f32>scale(dst + 96, j);
    if (dl == 0) continue;
    for (let i = 0; i < 16; i++) {
      const l = nearestInt(load<f32>(src + (<usize>(16 * j + i) << 2)) / dl);
      store<u8>(CODES + <usize>(16 * j + i), <u8>(max(-4, min(3, l)) + 4));
    }
  }
  memory.fill(dst, 0, 32);
  for (let j = 0; j < 256; j++) {
    const c = load<u8>(CODES + <usize>j);
    if (c > 3) {
      const m = dst + <usize>(j & 31);
      store<u8>(m, load<u8>(m) | <u8>(<i32>1 << (j >> 5)));
      store<u8>(CODES + <usize>j, c - 4);
    }
  }
  packCrumbs(CODES, dst + 32);
}

/** Indices (q & 3) + 4 * (high bit) for the table i - 4, the 16 scales and d, for the dot-product packer. */
export function unpackQ3_K(block: usize): void {
  for (let n = 0; n < 2; n++) {
    for (let s = 0; s < 4; s++) {
      for (let l = 0; l < 32; l++) {
        const h = (<i32>load<u8>(block + <usize>l) >> (4 * n + s)) & 1;
        setCode(128 * n + 32 * s + l, ((<i32>load<u8>(block + 32 + <usize>(32 * n + l)) >> (2 * s)) & 3) | (h << 2));
      }
    }
  }
  for (let j = 0; j < 16; j++) setScale(j, scale(block + 96, j), 0);
  setD(0, loadF16(block + 108), 0);
}
