// The 6-bit scale and min pairs of Q4_K and Q5_K: 8 pairs packed into 12 bytes, and the fit that
// ggml's quantizers of both types share.
import { loadF16, nearestInt, storeF16 } from "./common";
import { CODES, fitAffineFour, fitPositive, importance, MIN_CODES, MINS, SCALE_CODES, SCALES, SUM_WEIGHTS, sumSquares, WEIGHTS } from "./fit";

// @ts-ignore: decorator
@inline export function kScale(q: usize, j: i32): i32 {
  return j < 4 ? <i32>load<u8>(q + <usize>j) & 63 : (<i32>load<u8>(q + <usize>(j + 4)) & 0xf) | ((<i32>load<u8>(q + <usize>(j - 4)) >> 6) << 4);
}

// @ts-ignore: decorator
@inline export function kMin(q: usize, j: i32): i32 {
  return j < 4 ? <i32>load<u8>(q + <usize>(j + 4)) & 63 : (<i32>load<u8>(q + <usize>(j + 4)) >> 4) | ((<i32>load<u8>(q + <usize>j) >> 6) << 4);
}

/**
 * The eight (scale, min) fits of the 256 values at src (affine codes [0, nmax] per 32), written as
 * d, dmin and the 12 packed bytes at dst; then the codes again from the stored scales into CODES.
 * Without importance weights (qw 0) ggml's reference search (rmin, rdelta, nstep) weighted by
 * rms + |x|, the pairs coded against the largest; with them, ggml's weighted search and weighted pair fit.
 */
export function fitScaleMinK(src: usize, dst: usize, nmax: i32, qw: usize, rmin: f32, rdelta: f32, nstep: i32): void {
  let maxScale: f32 = 0, maxMin: f32 = 0;
  const sigma2: f32 = 2 * sumSquares(src, 256) / 256;
  for (let j = 0; j < 8; j += 4) {
    // Four groups' weights, then their four fits at once.
    for (let k = 0; k < 4; k++) {
      const xs = src + (<usize>(j + k) << 7), ws = WEIGHTS + (<usize>k << 7);
      if (qw) store<f32>(SUM_WEIGHTS + (<usize>(j + k) << 2), importance(xs, qw + (<usize>(j + k) << 7), sigma2, 32, ws));
      else {
        const avX = sqrt<f32>(sumSquares(xs, 32) / 32);
        for (let l = 0; l < 32; l++) store<f32>(ws + (<usize>l << 2), avX + abs(load<f32>(xs + (<usize>l << 2))));
      }
    }
    const xs = src + (<usize>j << 7), L = CODES + <usize>(32 * j), sc = SCALES + (<usize>j << 2), mn = MINS + (<usize>j << 2);
    if (qw) fitAffineFour(4, 32, nmax, xs, WEIGHTS, L, sc, mn, -0.9, 0.05, 36, false);
    else fitAffineFour(4, 32, nmax, xs, WEIGHTS, L, sc, mn, rmin, rdelta, nstep, false);
  }
  for (let j = 0; j < 8; j++) {
    const s = load<f32>(SCALES + (<usize>j << 2)), m = load<f32>(MINS + (<usize>j << 2));
    if (s > maxScale) maxScale = s;
    if (m > maxMin) maxMin = m;
  }
  let d: f32, dmin: f32;
  if (qw) {
    d = fitPositive(8, 63, SCALES, SCALE_CODES, SUM_WEIGHTS);
    dmin = fitPositive(8, 63, MINS, MIN_CODES, SUM_WEIGHTS);
  } else {
    const invScale: f32 = maxScale > 0 ? 63 / maxScale : 0;
    const invMin: f32 = maxMin > 0 ? 63 / maxMin : 0;
    for (let j = 0; j < 8; j++) {
      // ggml keeps the codes in a uint8 before capping them at 63.
      store<u8>(SCALE_CODES + <usize>j, min<u8>(63, <u8>nearestInt(invScale * load<f32>(SCALES + (<usize>j << 2)))));
      store<u8>(MIN_CODES + <usize>j, min<u8>(63, <u8>nearestInt(invMin * load<f32>(MINS + (<usize>j << 2)))));
    }
    d = maxScale / 63;
    dmin = maxMin / 63;
  }
  const s = dst + 4;
  for (let j = 0; j < 8; j++) {
    const ls = <u32>load<u8>(SCALE_CODES + <usize>j), lm = <u32>load<u8>(MIN_CODES + <usize>j);
    if (j < 4) {
      store<u8>(s + <usize>j, <u8>ls);
      store<u8>(s + <usize>(j + 4), <u8>lm);
    } else {
      store<u8>(s + <usize>(j + 4), <u8>((ls & 0xf) | ((lm & 0xf) << 4)));
      store<u8>(s + <usize>(j - 4), load<u8>(s + <usize>(j - 4)) | <u8>((ls >> 4) << 6));
      store<u8>(s + <usize>j, load<u8>(s + <usize>j) | <u8>((lm >> 4) << 6));
    }
  }
  storeF16(dst, d);
  storeF16(dst + 2, dmin);
  const dd = loadF16(dst), dm = loadF16(dst + 2);
  for (let j = 0; j < 8; j++) {
    const dl = dd * <f32>kScale(s, j);
    if (dl == 0) continue;
    const ml = dm * <f32>kMin(s, j);
    for (let i = 0; i < 32; i++) {
      const l = nearestInt((load<f32>(src + (<usize>(32 * j + i) << 2)) + ml) / dl);
      store<u8>(CODES + <usize>(32 * j + i), <u8>max(0, min(nmax, l)));
    }
  }
}
