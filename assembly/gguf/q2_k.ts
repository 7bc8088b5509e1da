// Q2_K: super-blocks of 256 values: 16 bytes of 4-bit (scale, min) pairs (one per 16 values), 64 bytes
// of 2-bit codes, fp16 d and dmin last; x = d * scale * q - dmin * min. Each 128 values use 32 code
// bytes: bit pair s of byte l holds value 32 s + l.
import { affine16, bitPairs, loadF16, nearestInt, storeF16 } from "./common";
import { CODES, fitAffineFour, fitPositive, importance, MIN_CODES, MINS, SCALE_CODES, SCALES, SUM_WEIGHTS, sumSquares, WEIGHTS } from "./fit";
import { setCode, setD, setScale } from "./unpacked";

export const Q2_K_BYTES = 84;

// 16 values: bit pair `shift` of the code bytes v, with the (scale, min) byte at sc.
// @ts-ignore: decorator
@inline function sixteen(out: usize, v: v128, shift: i32, sc: usize, d: f32, dmin: f32): void {
  const s = <i32>load<u8>(sc);
  affine16(out, bitPairs(v, shift), d * <f32>(s & 0xf), dmin * <f32>(s >> 4));
}

export function dequantizeQ2_K(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * Q2_K_BYTES;
    const d = loadF16(block + 80), dmin = loadF16(block + 82);
    let out = y + (<usize>b << 10);
    if (ASC_FEATURE_SIMD) {
      // Each 128 values' eight 16-value steps written out: as loops they kept V8's loop overheads.
      for (let n = 0; n < 2; n++) {
        const lo = v128.load(block + 16 + <usize>n * 32), hi = v128.load(block + 32 + <usize>n * 32), sc = block + <usize>(8 * n);
        sixteen(out, lo, 0, sc, d, dmin);
        sixteen(out + 64, hi, 0, sc + 1, d, dmin);
        sixteen(out + 128, lo, 2, sc + 2, d, dmin);
        sixteen(out + 192, hi, 2, sc + 3, d, dmin);
        sixteen(out + 256, lo, 4, sc + 4, d, dmin);
        sixteen(out + 320, hi, 4, sc + 5, d, dmin);
        sixteen(out + 384, lo, 6, sc + 6, d, dmin);
        sixteen(out + 448, hi, 6, sc + 7, d, dmin);
        out += 512;
      }
      continue;
    }
    let is = 0;
    for (let n = 0; n < 2; n++) {
      const q = block + 16 + <usize>n * 32;
      for (let shift = 0; shift < 8; shift += 2) {
        for (let half = 0; half < 2; half++) {
          const sc = <i32>load<u8>(block + <usize>is);
          is++;
          const dl = d * <f32>(sc & 0xf), ml = dmin * <f32>(sc >> 4);
          for (let l = 0; l < 16; l++) {
            store<f32>(out, dl * <f32>((<i32>load<u8>(q + <usize>(half * 16 + l)) >> shift) & 3) - ml);
            out += 4;
          }
        }
      }
    }
  }
}

// ggml's reference quantizer: per 16 values an affine fit weighted by |x|, its scale and min coded in
// 4 bits against the largest of each.
export function quantizeQ2_K(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * Q2_K_BYTES;
    let maxScale: f32 = 0, maxMin: f32 = 0;
    for (let j = 0; j < 16; j += 4) {
      const xs = src + (<usize>j << 6);
      for (let l = 0; l < 64; l++) store<f32>(WEIGHTS + (<usize>l << 2), abs(load<f32>(xs + (<usize>l << 2))));
      fitAffineFour(4, 16, 3, xs, WEIGHTS, CODES + <usize>(16 * j), SCALES + (<usize>j << 2), MINS + (<usize>j << 2), -0.5, 0.1, 15, true);
    }
    for (let j = 0; j < 16; j++) {
      const s = load<f32>(SCALES + (<usize>j << 2)), m = load<f32>(MINS + (<usize>j << 2));
      if (s > maxScale) maxScale = s;
      if (m > maxMin) maxMin = m;
    }
    if (maxScale > 0) {
      const iscale: f32 = 15 / maxScale;
      for (let j = 0; j < 16; j++) store<u8>(dst + <usize>j, <u8>nearestInt(iscale * load<f32>(SCALES + (<usize>j << 2))));
      storeF16(dst + 80, maxScale / 15);
    } else {
      memory.fill(dst, 0, 16);
      storeF16(dst + 80, 0);
    }
    if (maxMin > 0) {
      const iscale: f32 = 15 / maxMin;
      for (let j = 0; j < 16; j++) store<u8>(dst + <usize>j, load<u8>(dst + <usize>j) | <u8>(nearestInt(iscale * load<f32>(MINS + (<usize>j << 2))) << 4));
      storeF16(dst + 82, maxMin / 15);
    } else {
      storeF16(dst + 82, 0);
    }
    finishQ2_K(src, dst);
  }
}

// With importance weights qw (one per value of the row): scales and mins fitted by weighted least squares.
export function quantizeQ2_KWeighted(x: usize, out: usize, n: i32, qw: usize): void {
  for (let b = 0; b < n >> 8; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * Q2_K_BYTES;
    const sigma2: f32 = sumSquares(src, 256) / 256;
    for (let j = 0; j < 16; j += 4) {
      for (let k = 0; k < 4; k++) {
        const xs = src + (<usize>(j + k) << 6);
        store<f32>(SUM_WEIGHTS + (<usize>(j + k) << 2), importance(xs, qw + (<usize>(256 * b + 16 * (j + k)) << 2), sigma2, 16, WEIGHTS + (<usize>k << 6)));
      }
      fitAffineFour(4, 16, 3, src + (<usize>j << 6), WEIGHTS, CODES + <usize>(16 * j), SCALES + (<usize>j << 2), MINS + (<usize>j << 2), -0.9, 0.05, 36, false);
    }
    const dm = fitPositive(16, 15, SCALES, SCALE_CODES, SUM_WEIGHTS);
    const mm = fitPositive(16, 15, MINS, MIN_CODES, SUM_WEIGHTS);
    storeF16(dst + 80, dm);
    storeF16(dst + 82, mm);
    for (let j = 0; j < 16; j++) store<u8>(dst + <usize>j, load<u8>(SCALE_CODES + <usize>j) | (load<u8>(MIN_CODES + <usize>j) << 4));
    finishQ2_K(src, dst);
  }
}

// Codes again from the stored (fp16) scales, then packed: bit pair s of byte l is value 32 s + l.
function finishQ2_K(src: usize, dst: usize): void {
  const d = loadF16(dst + 80), dmin = loadF16(dst + 82);
  for (let j = 0; j < 16; j++) {
    const sc = <i32>load<u8>(dst + <usize>j);
    const dl = d * <f32>(sc & 0xf);
    if (dl == 0) continue;
    const ml = dmin * <f32>(sc >> 4);
    for (let i = 0; i < 16; i++) {
      const l = nearestInt((load<f32>(src + (<usize>(16 * j + i) << 2)) + ml) / dl);
      store<u8>(CODES + <usize>(16 * j + i), <u8>max(0, min(3, l)));
    }
  }
  packCrumbs(CODES, dst + 16);
}

/** 256 2-bit codes into 64 bytes, ggml's order: bit pair s of byte l of each 32 is value 32 s + l of each 128. */
export function packCrumbs(L: usize, q: usize): void {
  for (let j = 0; j < 256; j += 128) {
    for (let l = 0; l < 32; l++) {
      const at = L + <usize>(j + l);
      store<u8>(q + <usize>(j / 4 + l), load<u8>(at) | (load<u8>(at, 32) << 2) | (load<u8>(at, 64) << 4) | (load<u8>(at, 96) << 6));
    }
  }
}

/** 2-bit codes, the 4-bit scale and min of every 16 values, d and dmin, for the dot-product packer. */
export function unpackQ2_K(block: usize): void {
  for (let n = 0; n < 2; n++) {
    for (let s = 0; s < 4; s++) {
      for (let l = 0; l < 32; l++) setCode(128 * n + 32 * s + l, (<i32>load<u8>(block + 16 + <usize>(32 * n + l)) >> (2 * s)) & 3);
    }
  }
  for (let j = 0; j < 16; j++) {
    const sc = <i32>load<u8>(block + <usize>j);
    setScale(j, sc & 0xf, sc >> 4);
  }
  setD(0, loadF16(block + 80), loadF16(block + 82));
}
