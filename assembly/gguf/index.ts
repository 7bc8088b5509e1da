// Dispatch over the GGUF block formats by ggml_type id (the table of names and sizes is
// src/gguf/types.ts). Each entry returns false for a type it does not handle (yet); with 0 blocks it
// touches no memory, so the TypeScript side asks it what is supported.
import { dequantizeQ4_0, Q4_0_BYTES, quantizeQ4_0, quantizeQ4_0Weighted } from "./q4_0";
import { dequantizeQ4_1, Q4_1_BYTES, quantizeQ4_1, quantizeQ4_1Weighted } from "./q4_1";
import { dequantizeQ5_0, Q5_0_BYTES, quantizeQ5_0, quantizeQ5_0Weighted } from "./q5_0";
import { dequantizeQ5_1, Q5_1_BYTES, quantizeQ5_1, quantizeQ5_1Weighted } from "./q5_1";
import { dequantizeQ8_0, Q8_0_BYTES, quantizeQ8_0 } from "./q8_0";
import { dequantizeQ8_1, Q8_1_BYTES, quantizeQ8_1 } from "./q8_1";
import { dequantizeQ8_K, Q8_K_BYTES, quantizeQ8_K } from "./q8_k";
import { dequantizeQ2_K, Q2_K_BYTES, quantizeQ2_K, quantizeQ2_KWeighted } from "./q2_k";
import { dequantizeQ3_K, Q3_K_BYTES, quantizeQ3_K, quantizeQ3_KWeighted } from "./q3_k";
import { dequantizeQ4_K, Q4_K_BYTES, quantizeQ4_K } from "./q4_k";
import { dequantizeQ5_K, Q5_K_BYTES, quantizeQ5_K } from "./q5_k";
import { dequantizeQ6_K, Q6_K_BYTES, quantizeQ6_K } from "./q6_k";
import { dequantizeIQ4_NL, IQ4_NL_BYTES, quantizeIQ4_NL } from "./iq4_nl";
import { dequantizeIQ4_XS, IQ4_XS_BYTES, quantizeIQ4_XS } from "./iq4_xs";
import { dequantizeTQ1_0, quantizeTQ1_0, TQ1_0_BYTES } from "./tq1_0";
import { dequantizeTQ2_0, quantizeTQ2_0, TQ2_0_BYTES } from "./tq2_0";
import { dequantizeMXFP4, MXFP4_BYTES, quantizeMXFP4 } from "./mxfp4";
import { dequantizeNVFP4, NVFP4_BYTES, quantizeNVFP4 } from "./nvfp4";
import { dequantizeQ1_0, Q1_0_BYTES, quantizeQ1_0 } from "./q1_0";
import { dequantizeQ2_0, Q2_0_BYTES, quantizeQ2_0 } from "./q2_0";
import { dequantizeIQ2_XXS, IQ2_XXS_BYTES, quantizeIQ2_XXS } from "./iq2_xxs";
import { dequantizeIQ2_XS, IQ2_XS_BYTES, quantizeIQ2_XS } from "./iq2_xs";
import { dequantizeIQ2_S, IQ2_S_BYTES, quantizeIQ2_S } from "./iq2_s";
import { dequantizeIQ3_XXS, IQ3_XXS_BYTES, quantizeIQ3_XXS } from "./iq3_xxs";
import { dequantizeIQ3_S, IQ3_S_BYTES, quantizeIQ3_S } from "./iq3_s";
import { familyOf, resetSearch, searchFailed, useWorkspace, workspaceBytes } from "./iqsearch";
import { dequantizeIQ1_S, IQ1_S_BYTES, quantizeIQ1_S } from "./iq1_s";
import { dequantizeIQ1_M, IQ1_M_BYTES, quantizeIQ1_M } from "./iq1_m";
import { FLOAT_SCALE, HALF_SCALES, IQ1_M_SCALE, madeNaNsLackSign, signMadeNaNs } from "./nan";
export { firstNonFinite } from "./common";

const Q4_0: i32 = 2, Q4_1: i32 = 3, Q5_0: i32 = 6, Q5_1: i32 = 7, Q8_0: i32 = 8, Q8_1: i32 = 9;
const Q2_K: i32 = 10, Q3_K: i32 = 11, Q4_K: i32 = 12, Q5_K: i32 = 13, Q6_K: i32 = 14, Q8_K: i32 = 15;
const IQ4_NL: i32 = 20, IQ4_XS: i32 = 23, TQ1_0: i32 = 34, TQ2_0: i32 = 35, MXFP4: i32 = 39;
const NVFP4: i32 = 40, Q1_0: i32 = 41, Q2_0: i32 = 42;
const IQ2_XXS: i32 = 16, IQ2_XS: i32 = 17, IQ3_XXS: i32 = 18, IQ1_S: i32 = 19, IQ3_S: i32 = 21, IQ2_S: i32 = 22, IQ1_M: i32 = 29;

/** Bytes of the search workspace a grid i-quant quantizer needs (0 for the other types). */
export function ggufWorkspaceBytes(type: i32): usize {
  return workspaceBytes(familyOf(type));
}

/** The workspace (ggufWorkspaceBytes of it, kept by the caller per type) the next quantizer call uses. */
export function ggufUseWorkspace(type: i32, ptr: usize): void {
  if (familyOf(type) >= 0) useWorkspace(familyOf(type), ptr);
}

/** Whether the last quantizer call met input on which ggml aborts (grid searches with no finite distance). */
export function ggufQuantizeFailed(): bool {
  return searchFailed;
}

/** ggml's reference quantizer (quantize_row_*_ref) over `blocks` consecutive blocks. */
export function ggufQuantize(type: i32, x: usize, out: usize, blocks: i32): bool {
  resetSearch();
  if (type == Q4_0) quantizeQ4_0(x, out, blocks);
  else if (type == Q4_1) quantizeQ4_1(x, out, blocks);
  else if (type == Q5_0) quantizeQ5_0(x, out, blocks);
  else if (type == Q5_1) quantizeQ5_1(x, out, blocks);
  else if (type == Q8_0) quantizeQ8_0(x, out, blocks);
  else if (type == Q8_1) quantizeQ8_1(x, out, blocks);
  else if (type == Q8_K) quantizeQ8_K(x, out, blocks);
  else if (type == Q2_K) quantizeQ2_K(x, out, blocks);
  else if (type == Q3_K) quantizeQ3_K(x, out, blocks);
  else if (type == Q4_K) quantizeQ4_K(x, out, blocks, 0);
  else if (type == Q5_K) quantizeQ5_K(x, out, blocks, 0);
  else if (type == Q6_K) quantizeQ6_K(x, out, blocks, 0);
  else if (type == IQ4_NL) quantizeIQ4_NL(x, out, blocks, 0);
  else if (type == IQ4_XS) quantizeIQ4_XS(x, out, blocks, 0);
  else if (type == TQ1_0) quantizeTQ1_0(x, out, blocks);
  else if (type == TQ2_0) quantizeTQ2_0(x, out, blocks);
  else if (type == MXFP4) quantizeMXFP4(x, out, blocks);
  else if (type == NVFP4) quantizeNVFP4(x, out, blocks);
  else if (type == Q1_0) quantizeQ1_0(x, out, blocks);
  else if (type == Q2_0) quantizeQ2_0(x, out, blocks);
  else if (type == IQ2_S) quantizeIQ2_S(x, out, blocks, 0);
  else if (type == IQ3_XXS) quantizeIQ3_XXS(x, out, blocks, 0);
  else if (type == IQ3_S) quantizeIQ3_S(x, out, blocks, 0);
  else if (type == IQ1_M) quantizeIQ1_M(x, out, blocks, 0);
  else return false;
  return true;
}

/**
 * ggml's importance-weighted quantizer (quantize_<type> with quant_weights) over `rows` rows of n
 * values, qw holding n weights shared by every row. False for types whose quantizer takes no weights.
 */
export function ggufQuantizeWeighted(type: i32, x: usize, out: usize, rows: i32, n: i32, qw: usize): bool {
  resetSearch();
  if (!(type == Q4_0 || type == Q4_1 || type == Q5_0 || type == Q5_1 || (type >= Q2_K && type <= Q6_K) || type == IQ4_NL || type == IQ4_XS ||
    type == IQ2_XXS || type == IQ2_XS || type == IQ2_S || type == IQ3_XXS || type == IQ3_S || type == IQ1_S || type == IQ1_M)) return false;
  const rowBytes = <usize>ggufBlockBytes(type) * <usize>(n / ggufBlockSize(type));
  for (let r = 0; r < rows; r++) {
    const src = x + <usize>r * (<usize>n << 2), dst = out + <usize>r * rowBytes;
    const blocks = n / ggufBlockSize(type);
    if (type == Q4_0) quantizeQ4_0Weighted(src, dst, n, qw);
    else if (type == Q4_1) quantizeQ4_1Weighted(src, dst, n, qw);
    else if (type == Q5_0) quantizeQ5_0Weighted(src, dst, n, qw);
    else if (type == Q5_1) quantizeQ5_1Weighted(src, dst, n, qw);
    else if (type == Q2_K) quantizeQ2_KWeighted(src, dst, n, qw);
    else if (type == Q3_K) quantizeQ3_KWeighted(src, dst, n, qw);
    else if (type == Q4_K) quantizeQ4_K(src, dst, blocks, qw);
    else if (type == Q5_K) quantizeQ5_K(src, dst, blocks, qw);
    else if (type == Q6_K) quantizeQ6_K(src, dst, blocks, qw);
    else if (type == IQ4_NL) quantizeIQ4_NL(src, dst, blocks, qw);
    else if (type == IQ4_XS) quantizeIQ4_XS(src, dst, blocks, qw);
    else if (type == IQ2_XXS) quantizeIQ2_XXS(src, dst, blocks, qw);
    else if (type == IQ2_XS) quantizeIQ2_XS(src, dst, blocks, qw);
    else if (type == IQ2_S) quantizeIQ2_S(src, dst, blocks, qw);
    else if (type == IQ3_XXS) quantizeIQ3_XXS(src, dst, blocks, qw);
    else if (type == IQ3_S) quantizeIQ3_S(src, dst, blocks, qw);
    else if (type == IQ1_S) quantizeIQ1_S(src, dst, blocks, qw);
    else if (type == IQ1_M) quantizeIQ1_M(src, dst, blocks, qw);
    else return false;
  }
  return true;
}

export function ggufDequantize(type: i32, src: usize, y: usize, blocks: i32): bool {
  if (!madeNaNsLackSign()) return dequantizeBlocks(type, src, y, blocks);
  if (!dequantizeBlocks(type, src, y, 0)) return false;
  // A chunk at a time, each followed by nan.ts's pass for the NaNs an infinite scale makes, while
  // the chunk's blocks and floats are still in cache. MXFP4's and NVFP4's scales have no infinity.
  const bytes = <usize>ggufBlockBytes(type), per = ggufBlockSize(type), chunk = 4096 / per;
  for (let c = 0; c < blocks; c += chunk) {
    const k = min(chunk, blocks - c), s = src + <usize>c * bytes, o = y + <usize>c * (<usize>per << 2);
    dequantizeBlocks(type, s, o, k);
    if (type == Q4_1 || type == Q5_1 || type == Q4_K || type == Q5_K) signMadeNaNs(s, o, k, bytes, per, HALF_SCALES, 0, 2);
    else if (type == Q2_K) signMadeNaNs(s, o, k, bytes, per, HALF_SCALES, 80, 82);
    else if (type == Q3_K || type == Q6_K || type == TQ1_0 || type == TQ2_0) signMadeNaNs(s, o, k, bytes, per, HALF_SCALES, bytes - 2, bytes - 2);
    else if (type == Q8_K) signMadeNaNs(s, o, k, bytes, per, FLOAT_SCALE, 0, 0);
    else if (type == IQ1_M) signMadeNaNs(s, o, k, bytes, per, IQ1_M_SCALE, 0, 0);
    else if (type != MXFP4 && type != NVFP4) signMadeNaNs(s, o, k, bytes, per, HALF_SCALES, 0, 0);
  }
  return true;
}

function dequantizeBlocks(type: i32, src: usize, y: usize, blocks: i32): bool {
  if (type == Q4_0) dequantizeQ4_0(src, y, blocks);
  else if (type == Q4_1) dequantizeQ4_1(src, y, blocks);
  else if (type == Q5_0) dequantizeQ5_0(src, y, blocks);
  else if (type == Q5_1) dequantizeQ5_1(src, y, blocks);
  else if (type == Q8_0) dequantizeQ8_0(src, y, blocks);
  else if (type == Q8_1) dequantizeQ8_1(src, y, blocks);
  else if (type == Q8_K) dequantizeQ8_K(src, y, blocks);
  else if (type == Q2_K) dequantizeQ2_K(src, y, blocks);
  else if (type == Q3_K) dequantizeQ3_K(src, y, blocks);
  else if (type == Q4_K) dequantizeQ4_K(src, y, blocks);
  else if (type == Q5_K) dequantizeQ5_K(src, y, blocks);
  else if (type == Q6_K) dequantizeQ6_K(src, y, blocks);
  else if (type == IQ4_NL) dequantizeIQ4_NL(src, y, blocks);
  else if (type == IQ4_XS) dequantizeIQ4_XS(src, y, blocks);
  else if (type == TQ1_0) dequantizeTQ1_0(src, y, blocks);
  else if (type == TQ2_0) dequantizeTQ2_0(src, y, blocks);
  else if (type == MXFP4) dequantizeMXFP4(src, y, blocks);
  else if (type == NVFP4) dequantizeNVFP4(src, y, blocks);
  else if (type == Q1_0) dequantizeQ1_0(src, y, blocks);
  else if (type == Q2_0) dequantizeQ2_0(src, y, blocks);
  else if (type == IQ2_XXS) dequantizeIQ2_XXS(src, y, blocks);
  else if (type == IQ2_XS) dequantizeIQ2_XS(src, y, blocks);
  else if (type == IQ2_S) dequantizeIQ2_S(src, y, blocks);
  else if (type == IQ3_XXS) dequantizeIQ3_XXS(src, y, blocks);
  else if (type == IQ3_S) dequantizeIQ3_S(src, y, blocks);
  else if (type == IQ1_S) dequantizeIQ1_S(src, y, blocks);
  else if (type == IQ1_M) dequantizeIQ1_M(src, y, blocks);
  else return false;
  return true;
}

/** Values per block of the types with kernels here (0 for others). */
export function ggufBlockSize(type: i32): i32 {
  if (type == Q4_0 || type == Q4_1 || type == Q5_0 || type == Q5_1 || type == Q8_0 || type == Q8_1 || type == IQ4_NL || type == MXFP4) return 32;
  if (type == NVFP4 || type == Q2_0) return 64;
  if (type == Q1_0) return 128;
  return ggufBlockBytes(type) ? 256 : 0;
}

/** Bytes per block of the types with kernels here (0 for others): held against the table. */
export function ggufBlockBytes(type: i32): i32 {
  if (type == Q4_0) return Q4_0_BYTES;
  if (type == Q4_1) return Q4_1_BYTES;
  if (type == Q5_0) return Q5_0_BYTES;
  if (type == Q5_1) return Q5_1_BYTES;
  if (type == Q8_0) return Q8_0_BYTES;
  if (type == Q8_1) return Q8_1_BYTES;
  if (type == Q8_K) return Q8_K_BYTES;
  if (type == Q2_K) return Q2_K_BYTES;
  if (type == Q3_K) return Q3_K_BYTES;
  if (type == Q4_K) return Q4_K_BYTES;
  if (type == Q5_K) return Q5_K_BYTES;
  if (type == Q6_K) return Q6_K_BYTES;
  if (type == IQ4_NL) return IQ4_NL_BYTES;
  if (type == IQ4_XS) return IQ4_XS_BYTES;
  if (type == TQ1_0) return TQ1_0_BYTES;
  if (type == TQ2_0) return TQ2_0_BYTES;
  if (type == MXFP4) return MXFP4_BYTES;
  if (type == NVFP4) return NVFP4_BYTES;
  if (type == Q1_0) return Q1_0_BYTES;
  if (type == Q2_0) return Q2_0_BYTES;
  if (type == IQ2_XXS) return IQ2_XXS_BYTES;
  if (type == IQ2_XS) return IQ2_XS_BYTES;
  if (type == IQ2_S) return IQ2_S_BYTES;
  if (type == IQ3_XXS) return IQ3_XXS_BYTES;
  if (type == IQ3_S) return IQ3_S_BYTES;
  if (type == IQ1_S) return IQ1_S_BYTES;
  if (type == IQ1_M) return IQ1_M_BYTES;
  return 0;
}
