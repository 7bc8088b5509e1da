// Dot products and GEMV of GGUF rows with their quantized activation (Q8_0, Q8_1 or Q8_K), for every
// format with a dot product here.
//
// The kernel never reads GGUF bytes: a tensor is packed once (ggufPack) into a form in which every
// format looks alike, so one kernel serves them all and no decoding is left in its inner loop:
//   - per float block (16, 32 or 256 values) a float32 scale D, and a float32 M where the format has
//     mins (K-quants: subtracted, times the activation's 16-value sums) or offsets (Q4_1, Q5_1: added,
//     times the activation block's s);
//   - per unit (16 or 32 values, below) an int8 scale and an int8 min, where the format has them;
//   - the codes: formats of 16 levels or fewer keep a 4-bit index per value, the others an int8 (the
//     grid i-quants: signed grid values). A code stands for alpha * code + beta (see affineOf: Q4_0's
//     q - 8, Q6_K's q - 32), or for an entry of a 16-value int8 table (IQ4_NL, IQ4_XS, MXFP4, NVFP4),
//     looked up with a swizzle.
// Codes are interleaved so that one i32x4.dot_i16x8_s lane gathers one unit: a unit is a block of
// 32 (the Q8_0-activation formats), 32 values of a super-block (WIDE: the formats with one scale
// per 32 values, or none) or 16 (the others), and a group is 4 units. Units of 32 halve the scale
// bytes and the per-group work of a super-block (Q4_K's GEMV ran 1.1-1.2x faster). The kernel
// reads a group 32 values at a time: step t's i16 vector j holds values 8t + 2j and 8t + 2j + 1 of
// units 0, 1, 2, 3, so the four unit sums come out in four lanes with no horizontal adds. As bytes,
// vector j is bytes 8j..8j+7 of the step (int8 codes); 4-bit codes take 16 bytes a step: affine
// indices put vector j's lane m in nibble j of the int16 lane m (masks alone extract them), table
// indices in byte 8 (j % 2) + m, low nibbles for j < 2 (a swizzle per half decodes 16). Values past
// the last whole group stay in natural order. The activation is packed alike, as int16, with its
// unit sums and per-block scales. The relaxed build's kernel has its own interleave (see slot), and
// so do the int8 codes of the SIMD builds, which they read split in two (see splitOf).
// Regions of a packed tensor of R rows and n columns: D, M, scales, mins, codes, each row after row;
// int8 codes read split keep most rows in quads before those regions instead (see quadRows).
//
// Integer sums are exact and are ggml's: per block, the sum over units of scale * sum(code * a), and
// of min * (activation unit sum). The float total follows one canonical order in every build: block b
// adds float(isum) * (D_w * D_a) [- float(msum) * (M_w * D_a)] [+ M_w * s_a] to lane b % 4 of four
// float32 sums, combined at the end as (l0 + l1) + (l2 + l3). Q1_0 and Q2_0, whose weight scale spans
// several activation blocks, take ggml's own order instead (see spanOf).
import { highNibbles, loadF16, lookup16, lowNibbles, sumFour } from "./common";
import { ggufBlockBytes, ggufBlockSize } from "./index";
import { IQ4_CODEBOOK, unpackIQ4_NL } from "./iq4_nl";
import { unpackIQ4_XS } from "./iq4_xs";
import { FP4_DOUBLED, unpackMXFP4 } from "./mxfp4";
import { unpackNVFP4 } from "./nvfp4";
import { unpackQ1_0 } from "./q1_0";
import { unpackQ2_0 } from "./q2_0";
import { unpackQ2_K } from "./q2_k";
import { unpackQ3_K } from "./q3_k";
import { unpackQ4_0 } from "./q4_0";
import { unpackQ4_1 } from "./q4_1";
import { unpackQ4_K } from "./q4_k";
import { unpackQ5_0 } from "./q5_0";
import { unpackQ5_1 } from "./q5_1";
import { unpackQ5_K } from "./q5_k";
import { unpackQ6_K } from "./q6_k";
import { unpackQ8_0 } from "./q8_0";
import { unpackTQ1_0 } from "./tq1_0";
import { unpackTQ2_0 } from "./tq2_0";
import { U_CODES, U_D, U_M, U_MINS, U_SCALES } from "./unpacked";
import { unpackIQ2_XXS } from "./iq2_xxs";
import { unpackIQ2_XS } from "./iq2_xs";
import { unpackIQ2_S } from "./iq2_s";
import { unpackIQ3_XXS } from "./iq3_xxs";
import { unpackIQ3_S } from "./iq3_s";
import { unpackIQ1_S } from "./iq1_s";
import { unpackIQ1_M } from "./iq1_m";
import { canonicalNaNs } from "./nan";

const SCALES = 1, MINS = 2, OFFSET = 4, NIBBLES = 8, TABLE = 16, WIDE = 32;
const ACT_Q8_0 = 0, ACT_Q8_1 = 1, ACT_Q8_K = 2;

/**
 * What a stored code c stands for: alpha * c + beta, as (alpha << 8) | (beta & 0xff). 4-bit indices
 * of the linear formats (Q4_0's q - 8, Q1_0's 2 q - 1); int8 codes kept unsigned so that the relaxed
 * build can use them as its 7-bit operand (Q5_0's q - 16, Q6_K's q - 32); and, in the relaxed build
 * only, FP4 table entries shifted by 12 for the same reason.
 */
function affineOf(type: i32): i32 {
  switch (type) {
    case 6: return (1 << 8) | (-16 & 0xff); // Q5_0
    case 14: return (1 << 8) | (-32 & 0xff); // Q6_K
    case 39: case 40: return relaxedOf(type) ? (1 << 8) | (-12 & 0xff) : 1 << 8; // MXFP4, NVFP4
    case 2: return (1 << 8) | (-8 & 0xff); // Q4_0
    case 11: return (1 << 8) | (-4 & 0xff); // Q3_K: index (q & 3) + 4 * high bit
    case 34: case 35: case 42: return (1 << 8) | (-1 & 0xff); // TQ1_0, TQ2_0, Q2_0
    case 41: return (2 << 8) | (-1 & 0xff); // Q1_0: sign bits
  }
  return 1 << 8;
}

/** The packed layout of a type: flags | float block size << 8 | activation kind << 20; 0 without a dot product. */
function layoutOf(type: i32): i32 {
  switch (type) {
    case 2: return NIBBLES | (32 << 8); // Q4_0
    case 3: return NIBBLES | OFFSET | (32 << 8) | (ACT_Q8_1 << 20); // Q4_1
    case 6: return 32 << 8; // Q5_0
    case 7: return OFFSET | (32 << 8) | (ACT_Q8_1 << 20); // Q5_1
    case 8: return 32 << 8; // Q8_0
    case 10: return NIBBLES | SCALES | MINS | (256 << 8) | (ACT_Q8_K << 20); // Q2_K
    case 11: return NIBBLES | SCALES | (256 << 8) | (ACT_Q8_K << 20); // Q3_K
    case 12: return NIBBLES | SCALES | MINS | WIDE | (256 << 8) | (ACT_Q8_K << 20); // Q4_K
    case 13: return SCALES | MINS | WIDE | (256 << 8) | (ACT_Q8_K << 20); // Q5_K
    case 14: return SCALES | (256 << 8) | (ACT_Q8_K << 20); // Q6_K
    case 20: return NIBBLES | TABLE | (32 << 8); // IQ4_NL
    case 23: return NIBBLES | TABLE | SCALES | WIDE | (256 << 8) | (ACT_Q8_K << 20); // IQ4_XS
    case 34: return NIBBLES | WIDE | (256 << 8) | (ACT_Q8_K << 20); // TQ1_0
    case 35: return NIBBLES | WIDE | (256 << 8) | (ACT_Q8_K << 20); // TQ2_0
    case 39: return NIBBLES | TABLE | (32 << 8); // MXFP4
    case 40: return NIBBLES | TABLE | (16 << 8); // NVFP4
    case 41: return NIBBLES | (32 << 8); // Q1_0
    case 42: return NIBBLES | (32 << 8); // Q2_0
    // The grid i-quants: signed grid values as int8 codes, their scales per 32 values (IQ2_XXS,
    // IQ3_XXS, IQ3_S, IQ1_S) or per 16 (IQ2_XS, IQ2_S, IQ1_M).
    case 16: case 18: case 19: case 21: return SCALES | WIDE | (256 << 8) | (ACT_Q8_K << 20);
    case 17: case 22: case 29: return SCALES | (256 << 8) | (ACT_Q8_K << 20);
  }
  return 0;
}

/**
 * Activation blocks under one weight scale: Q1_0's d covers four Q8_0 blocks, Q2_0's two. ggml sums
 * those blocks' float(isum) * d_a first and multiplies by d_w once, so that is the order here too:
 * with an fp16 scale that overflowed, an infinite d_w times a finite sum keeps ggml's infinity
 * where d_w * d_a per block would meet a zero block sum and give NaN.
 */
function spanOf(type: i32): i32 {
  return type == 41 ? 4 : type == 42 ? 2 : 1;
}

// The FP4 table shifted into [0, 24], for the relaxed build.
const FP4_SHIFTED: StaticArray<i8> = [12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0];

function tableOf(type: i32): usize {
  if (type == 39 || type == 40) return relaxedOf(type) ? changetype<usize>(FP4_SHIFTED) : changetype<usize>(FP4_DOUBLED);
  return changetype<usize>(IQ4_CODEBOOK);
}

// Whether the relaxed build packs for its relaxed kernel: faster in JavaScriptCore, slower in V8
// (see ggufUseRelaxed). Set before the first tensor is packed, never after.
let relaxedGemv = false;

/** Chooses the relaxed build's GEMV kernel (results are the same bits either way). Returns whether it exists. */
export function ggufUseRelaxed(on: bool): bool {
  relaxedGemv = on && ASC_FEATURE_RELAXED_SIMD;
  return ASC_FEATURE_RELAXED_SIMD;
}

/**
 * Whether the relaxed build's kernel serves this type: every stored code (or table entry) is in
 * [0, 127], the only operand range in which i32x4.relaxed_dot_i8x16_i7x16_add_s is deterministic.
 * Not Q8_0, IQ4_NL/IQ4_XS and the grid i-quants, whose codes are signed. The relaxed kernel reads
 * its own interleave (see slot), and its activation as int8.
 */
function relaxedOf(type: i32): bool {
  if (!ASC_FEATURE_RELAXED_SIMD || !relaxedGemv) return false;
  const layout = layoutOf(type);
  return layout != 0 && type != 8 && type != 20 && type != 23 && (layout & (NIBBLES | TABLE) || type == 6 || type == 7 || type == 13 || type == 14);
}

/**
 * Whether a byte-code format is read split (SIMD builds, outside the relaxed kernel): 16 codes are
 * loaded as 8 int16 lanes X = lo + 256 hi (lo biased by 128, so unsigned) and their dot product is
 * dot(X, A_lo) + dot(X >> 8, A_hi - 256 A_lo): one shift per 16 codes, where widening them takes
 * two instructions. Codes take the relaxed kernel's interleave (see slot), the even values of a
 * unit (lo) XOR 0x80; the activation brings the 128 * sum(A_lo) to take off (see actBias).
 */
function splitOf(type: i32): bool {
  const layout = layoutOf(type);
  return ASC_FEATURE_SIMD && layout != 0 && (layout & NIBBLES) == 0 && !relaxedOf(type);
}

function unpack(type: i32, block: usize): void {
  switch (type) {
    case 2: unpackQ4_0(block); break;
    case 3: unpackQ4_1(block); break;
    case 6: unpackQ5_0(block); break;
    case 7: unpackQ5_1(block); break;
    case 8: unpackQ8_0(block); break;
    case 10: unpackQ2_K(block); break;
    case 11: unpackQ3_K(block); break;
    case 12: unpackQ4_K(block); break;
    case 13: unpackQ5_K(block); break;
    case 14: unpackQ6_K(block); break;
    case 20: unpackIQ4_NL(block); break;
    case 23: unpackIQ4_XS(block); break;
    case 34: unpackTQ1_0(block); break;
    case 35: unpackTQ2_0(block); break;
    case 39: unpackMXFP4(block); break;
    case 40: unpackNVFP4(block); break;
    case 41: unpackQ1_0(block); break;
    case 42: unpackQ2_0(block); break;
    case 16: unpackIQ2_XXS(block); break;
    case 17: unpackIQ2_XS(block); break;
    case 18: unpackIQ3_XXS(block); break;
    case 19: unpackIQ1_S(block); break;
    case 21: unpackIQ3_S(block); break;
    case 22: unpackIQ2_S(block); break;
    case 29: unpackIQ1_M(block); break;
  }
}

/** The activation format of a type's dot product (a ggml_type id), or -1 where there is none here. */
export function ggufActivationType(type: i32): i32 {
  const layout = layoutOf(type);
  if (!layout) return -1;
  const kind = layout >> 20;
  return kind == ACT_Q8_0 ? 8 : kind == ACT_Q8_1 ? 9 : 15;
}

// Region offsets of a packed tensor: [D, M, scales, mins, codes] for `rows` rows of n values.
// @ts-ignore: decorator
@inline function blockSizeOf(layout: i32): i32 {
  return layout >> 8 & 0xfff;
}
// @ts-ignore: decorator
@inline function regionM(layout: i32, rows: i32, n: i32): usize {
  return <usize>rows * <usize>(n / blockSizeOf(layout)) << 2;
}
// @ts-ignore: decorator
@inline function regionScales(layout: i32, rows: i32, n: i32): usize {
  return regionM(layout, rows, n) * (layout & (MINS | OFFSET) ? 2 : 1);
}
// @ts-ignore: decorator
@inline function regionMins(layout: i32, rows: i32, n: i32): usize {
  return regionScales(layout, rows, n) + (layout & SCALES ? <usize>rows * <usize>(n / unitOf(layout)) : 0);
}
// @ts-ignore: decorator
@inline function regionCodes(layout: i32, rows: i32, n: i32): usize {
  return regionMins(layout, rows, n) + (layout & MINS ? <usize>rows * <usize>(n / unitOf(layout)) : 0);
}

// @ts-ignore: decorator
@inline function unitOf(layout: i32): i32 {
  return blockSizeOf(layout) == 32 || layout & WIDE ? 32 : 16;
}

/**
 * The slot of value i of a row (units of U values): its place in the kernel's reading order. The
 * relaxed kernel reads 4 consecutive values of a unit per dot lane: step t's 16-byte half h holds
 * values 8t + 4h .. 8t + 4h + 3 of units 0, 1, 2, 3.
 */
// @ts-ignore: decorator
@inline function slot(i: i32, n: i32, U: i32, rel: bool): i32 {
  // U is 16 or 32: shifts, not divisions (this runs once per activation value).
  const shift = U == 32 ? 5 : 4, G = U << 2;
  if (i >= (n & ~(G - 1))) return i;
  const u = (i >> shift) & 3, p = i & (U - 1), base = i & ~(G - 1);
  if (rel) return base + ((p >> 3) << 5) + (((p >> 2) & 1) << 4) + (u << 2) + (p & 3);
  return base + ((p >> 3) << 5) + (((p & 7) >> 1) << 3) + (u << 1) + (p & 1);
}

/**
 * Where a 4-bit code at slot s lives: (byte << 1) | (1 for the high nibble); see the header. The
 * relaxed kernel takes a step's first 16 slots from the low nibbles, the next 16 from the high ones.
 */
// @ts-ignore: decorator
@inline function nibbleAt(kind: i32, s: i32, n: i32, U: i32, rel: bool): i32 {
  if (s >= (n & ~((U << 2) - 1))) return s;
  const t = s & 31, j = t >> 3, m = t & 7;
  if (rel) return ((((s - t) >> 1) + (t & 15)) << 1) | (t >> 4);
  const byte = ((s - t) >> 1) + (kind == 2 ? 2 * m + (j >> 1) : ((j & 1) << 3) + m);
  return (byte << 1) | (kind == 2 ? j & 1 : j >> 1);
}

/**
 * Split-code tensors (see splitOf) keep their rows in quads where the groups are whole: all rows but
 * the last rows % 4. A quad is a run of chunks, one per group of blocks of 32 (128 values) or per
 * super-block: the four rows' codes, each half step (16 codes) of the four rows side by side, then
 * their unit scales, unit mins, D and M (each row's after the other). gemvFour32 and gemvFour256
 * read a quad as one stream, where four rows a quarter of the matrix apart with their scales in
 * regions of their own made eight. The other rows follow in the regions above, as a tensor of
 * their own.
 */
// @ts-ignore: decorator
@inline function quadRows(layout: i32, rows: i32, n: i32): i32 {
  return n % (unitOf(layout) << 2) == 0 ? rows & ~3 : 0;
}
// Values of a chunk; and where a chunk's unit scales, unit mins, D and M start (its codes first).
// @ts-ignore: decorator
@inline function chunkValues(layout: i32): i32 {
  return blockSizeOf(layout) == 32 ? 128 : 256;
}
// @ts-ignore: decorator
@inline function chunkScales(layout: i32): usize {
  return <usize>chunkValues(layout) << 2;
}
// @ts-ignore: decorator
@inline function chunkMins(layout: i32): usize {
  return chunkScales(layout) + (layout & SCALES ? <usize>(chunkValues(layout) / unitOf(layout)) << 2 : 0);
}
// @ts-ignore: decorator
@inline function chunkD(layout: i32): usize {
  return chunkMins(layout) + (layout & MINS ? <usize>(chunkValues(layout) / unitOf(layout)) << 2 : 0);
}
// @ts-ignore: decorator
@inline function chunkM(layout: i32): usize {
  return chunkD(layout) + (<usize>(chunkValues(layout) / blockSizeOf(layout)) << 4);
}
// @ts-ignore: decorator
@inline function chunkBytes(layout: i32): usize {
  return chunkM(layout) + (layout & (MINS | OFFSET) ? <usize>(chunkValues(layout) / blockSizeOf(layout)) << 4 : 0);
}
// Packed bytes of one row of a byte-code format (its share of every region).
// @ts-ignore: decorator
@inline function rowBytesOf(layout: i32, n: i32): usize {
  return regionCodes(layout, 1, n) + <usize>n;
}

/** Bytes of the packed form of rows x n values of `type` (n a multiple of its block size), 0 if none. */
export function ggufPackedBytes(type: i32, rows: i32, n: i32): usize {
  const layout = layoutOf(type);
  if (!layout) return 0;
  return regionCodes(layout, rows, n) + (<usize>rows * <usize>n >> (layout & NIBBLES ? 1 : 0));
}

/** Packs `rows` GGUF rows of n values at src into dst (ggufPackedBytes of them). */
export function ggufPack(type: i32, src: usize, dst: usize, rows: i32, n: i32): void {
  const layout = layoutOf(type);
  const F = blockSizeOf(layout), U = unitOf(layout);
  const bs = ggufBlockSize(type), bb = <usize>ggufBlockBytes(type);
  const nib = (layout & NIBBLES) != 0, split = splitOf(type), rel = relaxedOf(type);
  const kind = layout & TABLE ? 1 : 2, whole = n & ~((U << 2) - 1);
  // Quads first (split codes only), then the other rows' regions (see quadRows).
  const qr = split ? quadRows(layout, rows, n) : 0, rest = rows - qr;
  const base = dst + <usize>qr * rowBytesOf(layout, n);
  const dm = base + regionM(layout, rest, n), ds = base + regionScales(layout, rest, n);
  const dn = base + regionMins(layout, rest, n), dc = base + regionCodes(layout, rest, n);
  const CV = chunkValues(layout), chunk = chunkBytes(layout);
  const blocks = n / bs;
  const rowCodes: usize = nib ? <usize>n >> 1 : <usize>n;
  if (nib) memory.fill(dc, 0, <usize>rest * rowCodes);
  for (let r = 0; r < rows; r++) {
    const quad = r < qr, j = r & 3, t = r - qr;
    const quadAt = dst + <usize>(r >> 2) * (<usize>(n / CV) * chunk);
    for (let b = 0; b < blocks; b++) {
      unpack(type, src + (<usize>r * <usize>blocks + <usize>b) * bb);
      const i0 = b * bs; // this block's first value in its row
      const at = quadAt + <usize>(i0 / CV) * chunk, c0 = i0 % CV; // its chunk, and where in it
      for (let k = 0; k < bs / F; k++) {
        const f = quad ? at + chunkD(layout) + <usize>((j * (CV / F) + (c0 + k * F) / F) << 2) : base + ((<usize>t * <usize>(n / F) + <usize>(i0 / F + k)) << 2);
        store<f32>(f, load<f32>(U_D + (<usize>k << 2)));
        if (layout & (MINS | OFFSET)) store<f32>(f + (quad ? chunkM(layout) - chunkD(layout) : dm - base), load<f32>(U_M + (<usize>k << 2)));
      }
      // Unpack gives a scale and min per 16 values; a unit of 32 takes the first of its two (equal).
      for (let u = 0; u < bs / U; u++) {
        const from = <usize>(u * (U >> 4));
        const o = quad ? at + <usize>(j * (CV / U) + c0 / U + u) : <usize>t * <usize>(n / U) + <usize>(i0 / U + u);
        if (layout & SCALES) store<i8>(quad ? o + chunkScales(layout) : ds + o, load<i8>(U_SCALES + from));
        if (layout & MINS) store<i8>(quad ? o + chunkMins(layout) : dn + o, load<i8>(U_MINS + from));
      }
      for (let k = 0; k < bs; k++) {
        const i = i0 + k, s = slot(i, n, U, rel || split), c = <u32>load<u8>(U_CODES + <usize>k);
        if (split) {
          // Split codes: each unit's even values (lo) biased by 128 (see splitOf).
          const v = <u8>(i < whole && !(i & 1) ? c ^ 0x80 : c), q = s % CV;
          if (quad) store<u8>(at + (<usize>(q >> 4) << 6) + (<usize>j << 4) + <usize>(q & 15), v);
          else store<u8>(dc + <usize>t * rowCodes + <usize>s, v);
        } else if (!nib) store<u8>(dc + <usize>t * rowCodes + <usize>s, <u8>c);
        else {
          const where = nibbleAt(kind, s, n, U, rel), to = dc + <usize>t * rowCodes + <usize>(where >> 1);
          store<u8>(to, load<u8>(to) | <u8>(where & 1 ? c << 4 : c));
        }
      }
    }
  }
}

// Regions of a packed activation of n values: [D, s, unit sums (int32), codes (int16), unit sums
// (int16: at most 32 * 128 in size)].
// @ts-ignore: decorator
@inline function actSums(layout: i32, n: i32): usize {
  return <usize>(n / blockSizeOf(layout)) << 3;
}
// @ts-ignore: decorator
@inline function actCodes(layout: i32, n: i32): usize {
  return actSums(layout, n) + (<usize>(n / unitOf(layout)) << 2);
}

// @ts-ignore: decorator
@inline function actSums16(layout: i32, n: i32): usize {
  return actCodes(layout, n) + (<usize>n << 1);
}

// Split reading only (see splitOf): per unit, beta * sum - 128 * sum(A_lo) (int32); per whole
// group's half step, A_hi (int16); and whether an A_lo is -128 (then A_hi - 256 A_lo may not fit
// in int16, and only the kernels that read A_hi serve the activation). The codes region holds A_lo
// and A_hi - 256 A_lo, all that gemvFour reads: with A_hi between them, the Q8_0 GEMV of 4096 x
// 4096 ran 1.3-1.7x slower (the activation lines no longer stayed in L1 beside the weights' stream).
// @ts-ignore: decorator
@inline function actBias(layout: i32, n: i32): usize {
  return actSums16(layout, n) + (<usize>(n / unitOf(layout)) << 1);
}
// @ts-ignore: decorator
@inline function actHighs(layout: i32, n: i32): usize {
  return actBias(layout, n) + (<usize>(n / unitOf(layout)) << 2);
}
// @ts-ignore: decorator
@inline function actWide(layout: i32, n: i32): usize {
  return actHighs(layout, n) + (<usize>n << 1);
}

export function ggufActivationBytes(type: i32, n: i32): usize {
  return actWide(layoutOf(type), n) + 4;
}

// Where activation value j lies in the raw row: blocks of `size` codes, `bytes` apart, `at` in.
// @ts-ignore: decorator
@inline function actAt(raw: usize, j: i32, sizeShift: i32, bytes: usize, at: usize, size: i32): usize {
  return raw + <usize>(j >> sizeShift) * bytes + at + <usize>(j & (size - 1));
}

/** Packs the activation row of n values at raw (in type's activation format) into dst for type's kernel. */
export function ggufPackActivation(type: i32, raw: usize, dst: usize, n: i32): void {
  const layout = layoutOf(type), kind = layout >> 20, F = blockSizeOf(layout), U = unitOf(layout), rel = relaxedOf(type);
  const affine = (layout & (NIBBLES | TABLE)) == NIBBLES;
  const sums = dst + actSums(layout, n), codes = dst + actCodes(layout, n), sums16 = dst + actSums16(layout, n);
  const nblk = n / F;
  // Q8_K: float32 d, 256 codes, 16 sums; Q8_0: fp16 d, 32 codes; Q8_1: fp16 d, fp16 s, 32 codes.
  const K = kind == ACT_Q8_K, q8_1 = kind == ACT_Q8_1;
  const size = K ? 256 : 32;
  const bytes: usize = K ? 292 : q8_1 ? 36 : 34, at: usize = K ? 4 : q8_1 ? 4 : 2;
  for (let b = 0; b < nblk; b++) {
    const block = raw + <usize>(b * F / size) * bytes; // NVFP4's 16-value blocks share an activation block
    store<f32>(dst + (<usize>b << 2), K ? load<f32>(block) : loadF16(block));
    store<f32>(dst + (<usize>(nblk + b) << 2), q8_1 ? loadF16(block + 2) : 0);
  }
  const sizeShift = K ? 8 : 5;
  const split = splitOf(type), beta = <i32><i8>affineOf(type);
  const bias = dst + actBias(layout, n), highs = dst + actHighs(layout, n);
  let u0 = 0, wide = false;
  if (ASC_FEATURE_SIMD) {
    // Whole groups a step at a time: 8 codes of each of the four units, regrouped by shuffles. The
    // unit sums come from the same vectors: int16 lane pairs (or int8 quads) per unit, one pairwise
    // add per group (|sum| <= 32 * 128, so the int16 copy narrows exactly).
    const G = U << 2, whole = n & ~(G - 1);
    let W = i8x16.splat(0);
    for (let base = 0; base < whole; base += G) {
      const p0 = actAt(raw, base, sizeShift, bytes, at, size), p1 = actAt(raw, base + U, sizeShift, bytes, at, size);
      const p2 = actAt(raw, base + 2 * U, sizeShift, bytes, at, size), p3 = actAt(raw, base + 3 * U, sizeShift, bytes, at, size);
      let S = i16x8.splat(0), L = i16x8.splat(0);
      for (let t = 0; t < U >> 3; t++) {
        const o = <usize>(8 * t);
        const A = v128.load64_lane(p1 + o, v128.load64_zero(p0 + o), 1);
        const B = v128.load64_lane(p3 + o, v128.load64_zero(p2 + o), 1);
        if (split) {
          // Half step h's A_lo lane 2u + e is value 8t + 4h + 2e of unit u, its A_hi the next value.
          const out = codes + (<usize>(base + 32 * t) << 1), hr = highs + <usize>(base + 32 * t);
          const lo = i8x16.shuffle(A, B, 0, 2, 8, 10, 16, 18, 24, 26, 4, 6, 12, 14, 20, 22, 28, 30);
          const hi = i8x16.shuffle(A, B, 1, 3, 9, 11, 17, 19, 25, 27, 5, 7, 13, 15, 21, 23, 29, 31);
          const l0 = i16x8.extend_low_i8x16_s(lo), l1 = i16x8.extend_high_i8x16_s(lo);
          const h0 = i16x8.extend_low_i8x16_s(hi), h1 = i16x8.extend_high_i8x16_s(hi);
          v128.store(out, l0);
          v128.store(out, i16x8.sub(h0, i16x8.shl(l0, 8)), 16);
          v128.store(out, l1, 32);
          v128.store(out, i16x8.sub(h1, i16x8.shl(l1, 8)), 48);
          v128.store(hr, h0);
          v128.store(hr, h1, 16);
          W = v128.or(W, i8x16.eq(lo, i8x16.splat(-128)));
          L = i16x8.add(L, i16x8.add(l0, l1));
          S = i16x8.add(S, i16x8.add(i16x8.add(l0, l1), i16x8.add(h0, h1)));
        } else if (rel) {
          const out = codes + <usize>(base + 32 * t);
          const c0 = i8x16.shuffle(A, B, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
          const c1 = i8x16.shuffle(A, B, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
          v128.store(out, c0);
          v128.store(out, c1, 16);
          S = i16x8.add(S, i16x8.add(i16x8.extadd_pairwise_i8x16_s(c0), i16x8.extadd_pairwise_i8x16_s(c1)));
        } else {
          const out = codes + (<usize>(base + 32 * t) << 1);
          const lo = i8x16.shuffle(A, B, 0, 1, 8, 9, 16, 17, 24, 25, 2, 3, 10, 11, 18, 19, 26, 27);
          const hi = i8x16.shuffle(A, B, 4, 5, 12, 13, 20, 21, 28, 29, 6, 7, 14, 15, 22, 23, 30, 31);
          const e0 = i16x8.extend_low_i8x16_s(lo), e1 = i16x8.extend_high_i8x16_s(lo);
          const e2 = i16x8.extend_low_i8x16_s(hi), e3 = i16x8.extend_high_i8x16_s(hi);
          // Affine nibble k is read in place, as 16^k q (see stepRow): its activation times 256 / 16^k.
          const k0 = affine ? 8 : 0, k1 = affine ? 4 : 0;
          v128.store(out, i16x8.shl(e0, k0));
          v128.store(out, i16x8.shl(e1, k1), 16);
          v128.store(out, e2, 32);
          v128.store(out, i16x8.shl(e3, k0), 48);
          S = i16x8.add(S, i16x8.add(i16x8.add(e0, e1), i16x8.add(e2, e3)));
        }
      }
      const unitSums = i32x4.extadd_pairwise_i16x8_s(S);
      if (split) {
        const b128 = i32x4.shl(i32x4.extadd_pairwise_i16x8_s(L), 7);
        v128.store(bias + (<usize>(base / U) << 2), i32x4.sub(i32x4.mul(unitSums, i32x4.splat(beta)), b128));
      }
      v128.store(sums + (<usize>(base / U) << 2), unitSums);
      v128.store64_lane(sums16 + (<usize>(base / U) << 1), i16x8.narrow_i32x4_s(unitSums, unitSums), 0);
    }
    u0 = whole / U;
    wide = v128.any_true(W);
  }
  // Values past the last whole group (all of them in the scalar build) stay in natural order.
  for (let u = u0; u < n / U; u++) {
    let s: i32 = 0;
    for (let j = u * U; j < (u + 1) * U; j++) {
      const c = <i32>load<i8>(raw + <usize>(j >> sizeShift) * bytes + at + <usize>(j & (size - 1)));
      s += c;
      // int16 for the SIMD kernel's dot_i16x8_s, int8 for the relaxed one.
      if (rel) store<i8>(codes + <usize>slot(j, n, U, true), <i8>c);
      else store<i16>(codes + (<usize>slot(j, n, U, false) << 1), <i16>c);
    }
    store<i32>(sums + (<usize>u << 2), s);
    store<i16>(sums16 + (<usize>u << 1), <i16>s);
  }
  store<i32>(dst + actWide(layout, n), wide ? 1 : 0);
}

/**
 * y[r - r0] = dot(row r, activation) for rows r0 <= r < r1 of a packed tensor of `rows` rows of n
 * values (w from ggufPack) and a packed activation (act from ggufPackActivation).
 */
export function ggufGemv(type: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  const layout = layoutOf(type);
  const F = blockSizeOf(layout);
  if (relaxedOf(type)) {
    if (layout & TABLE) {
      if (F == 16) gemvRelaxedTable16(type, layout, w, rows, n, act, y, r0, r1);
      else gemvRelaxedTable32(type, layout, w, rows, n, act, y, r0, r1);
    } else if (layout & NIBBLES) {
      if (F == 32) gemvRelaxedAffine32(type, layout, w, rows, n, act, y, r0, r1);
      else if (layout & WIDE) gemvRelaxedAffine256Wide(type, layout, w, rows, n, act, y, r0, r1);
      else gemvRelaxedAffine256(type, layout, w, rows, n, act, y, r0, r1);
    } else {
      if (F == 32) gemvRelaxedBytes32(type, layout, w, rows, n, act, y, r0, r1);
      else if (layout & WIDE) gemvRelaxedBytes256Wide(type, layout, w, rows, n, act, y, r0, r1);
      else gemvRelaxedBytes256(type, layout, w, rows, n, act, y, r0, r1);
    }
  } else if (layout & TABLE) {
    if (F == 16) gemvTable16(type, layout, w, rows, n, act, y, r0, r1);
    else if (F == 32) gemvTable32(type, layout, w, rows, n, act, y, r0, r1);
    else if (layout & WIDE) gemvTable256Wide(type, layout, w, rows, n, act, y, r0, r1);
    else gemvTable256(type, layout, w, rows, n, act, y, r0, r1);
  } else if (layout & NIBBLES) {
    if (F == 32) {
      if (spanOf(type) > 1) gemvSpan32(type, layout, w, rows, n, act, y, r0, r1);
      else gemvAffine32(type, layout, w, rows, n, act, y, r0, r1);
    }
    else if (layout & WIDE) gemvAffine256Wide(type, layout, w, rows, n, act, y, r0, r1);
    else gemvAffine256(type, layout, w, rows, n, act, y, r0, r1);
  } else {
    gemvSplit(type, layout, w, rows, n, act, y, 0, 0, r0, r1);
  }
  canonicalNaNs(y, r1 - r0);
}
/**
 * The byte-code formats' GEMV (two activations with act2 != 0, see ggufGemm2): quads four rows a
 * pass (see quadRows; the fast kernel where the activation allows it, see actWide), the other rows
 * in pairs, two activations at once.
 */
function gemvSplit(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, act2: usize, y2: usize, r0: i32, r1: i32): void {
  const F = blockSizeOf(layout), qr = splitOf(type) ? quadRows(layout, rows, n) : 0;
  let r = r0;
  while (r < r1 && r < qr) {
    // Whole quads straight to y; a quad cut by r0 or r1 through QUAD_OUT.
    const q0 = r & ~3, whole = r == q0 && q0 + 4 <= r1;
    const e = whole ? (r1 < qr ? r1 : qr) & ~3 : q0 + 4, stop = e < r1 ? e : r1;
    const runs = act2 ? 2 : 1;
    for (let k = 0; k < runs; k++) {
      const a = k ? act2 : act, out = (k ? y2 : y) + (<usize>(r - r0) << 2);
      gemvQuads(layout, F, w, n, a, whole ? out : QUAD_OUT, q0, e);
      if (!whole) memory.copy(out, QUAD_OUT + (<usize>(r - q0) << 2), <usize>(stop - r) << 2);
    }
    r = stop;
  }
  if (r >= r1) return;
  // The other rows: a tensor of their own after the quads.
  const rest = w + <usize>qr * rowBytesOf(layout, n), tail = rows - qr;
  const out = y + (<usize>(r - r0) << 2), out2 = y2 + (<usize>(r - r0) << 2);
  if (act2) {
    if (F == 32) gemm2Bytes32(type, layout, rest, tail, n, act, out, act2, out2, r - qr, r1 - qr);
    else if (layout & WIDE) gemm2Bytes256Wide(type, layout, rest, tail, n, act, out, act2, out2, r - qr, r1 - qr);
    else gemm2Bytes256(type, layout, rest, tail, n, act, out, act2, out2, r - qr, r1 - qr);
  } else if (F == 32) gemvBytes32(type, layout, rest, tail, n, act, out, r - qr, r1 - qr);
  else if (layout & WIDE) gemvBytes256Wide(type, layout, rest, tail, n, act, out, r - qr, r1 - qr);
  else gemvBytes256(type, layout, rest, tail, n, act, out, r - qr, r1 - qr);
}

// Quads q0 / 4 .. q1 / 4 of a split-code tensor with one activation, results from y on.
function gemvQuads(layout: i32, F: i32, w: usize, n: i32, act: usize, y: usize, q0: i32, q1: i32): void {
  const safe = load<i32>(act + actWide(layout, n)) != 0;
  if (F == 32) {
    if (safe) gemvBytes32FourSafe(0, layout, w, 0, n, act, y, q0, q1);
    else gemvBytes32Four(0, layout, w, 0, n, act, y, q0, q1);
  } else if (layout & WIDE) {
    if (safe) gemvBytes256Four32Safe(0, layout, w, 0, n, act, y, q0, q1);
    else gemvBytes256Four32(0, layout, w, 0, n, act, y, q0, q1);
  } else if (safe) gemvBytes256Four16Safe(0, layout, w, 0, n, act, y, q0, q1);
  else gemvBytes256Four16(0, layout, w, 0, n, act, y, q0, q1);
}

const QUAD_OUT = memory.data(16, 16);

/**
 * ggufGemv for two activations (act, act2; results at y, y2) in one pass over the weights, for the
 * formats stored as byte codes: every code vector loaded meets both activations. Bit-identical to
 * two ggufGemv calls, which is what the 4-bit formats and the scalar build get: decoding nibbles for
 * two activations at once needs more vector registers than x64 has, and V8 then runs it slower than
 * two GEMVs.
 */
export function ggufGemm2(type: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, act2: usize, y2: usize, r0: i32, r1: i32): void {
  const layout = layoutOf(type);
  const F = blockSizeOf(layout);
  if (!ASC_FEATURE_SIMD || (layout & NIBBLES)) {
    ggufGemv(type, w, rows, n, act, y, r0, r1);
    ggufGemv(type, w, rows, n, act2, y2, r0, r1);
    return;
  } else if (relaxedOf(type)) {
    if (F == 32) gemm2RelaxedBytes32(type, layout, w, rows, n, act, y, act2, y2, r0, r1);
    else if (layout & WIDE) gemm2RelaxedBytes256Wide(type, layout, w, rows, n, act, y, act2, y2, r0, r1);
    else gemm2RelaxedBytes256(type, layout, w, rows, n, act, y, act2, y2, r0, r1);
  } else gemvSplit(type, layout, w, rows, n, act, y, act2, y2, r0, r1);
  canonicalNaNs(y, r1 - r0);
  canonicalNaNs(y2, r1 - r0);
}

// One function per code kind, block size and dot instruction: each is the generic kernel with all
// three fixed. They are exported only so that wasm-opt keeps them apart: inlined into one function,
// V8 allocates registers for all of them at once and the kernel runs about 1.5 times slower.
export function gemvTable16(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  gemvRows(1, 16, 16, false, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvTable32(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  gemvRows(1, 32, 32, false, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvTable256(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  gemvRows(1, 256, 16, false, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvTable256Wide(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  gemvRows(1, 256, 32, false, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvAffine32(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  gemvRows(2, 32, 32, false, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvSpan32(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  gemvRows(2, 32, 32, false, false, spanOf(type), type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvAffine256(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  gemvRows(2, 256, 16, false, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvAffine256Wide(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  gemvRows(2, 256, 32, false, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvBytes32(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  gemvRows(0, 32, 32, false, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
/**
 * Rows r0..r1 (whole quads, see quadRows) of a byte-code format with blocks of 32 (Q8_0, Q5_0,
 * Q5_1), a quad a pass: each activation vector loaded serves four rows. `safe` reads A_hi instead of
 * A_hi - 256 A_lo (see actWide). Each row's result takes rowPair's operations in its order, so the
 * bits are the same.
 */
export function gemvBytes32Four(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_SIMD) gemvFour32(false, layout, w, n, act, y, r0, r1);
}
export function gemvBytes32FourSafe(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_SIMD) gemvFour32(true, layout, w, n, act, y, r0, r1);
}

// @ts-ignore: decorator
@inline function gemvFour32(safe: bool, layout: i32, w: usize, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  const nblk = n >> 5, groups = n >> 7, offset = (layout & OFFSET) != 0, chunk = chunkBytes(layout);
  const ad = act, as = act + (<usize>nblk << 2), abias = act + actBias(layout, n), ac = act + actCodes(layout, n), ah = act + actHighs(layout, n);
  const lowByte = v128.load(NIBBLE_MASKS, 48);
  let c = w + <usize>(r0 >> 2) * (<usize>groups * chunk);
  for (let r = r0; r < r1; r += 4) {
    let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0), acc2 = f32x4.splat(0), acc3 = f32x4.splat(0);
    let a = ac, hp = ah, bias = abias, at: usize = 0;
    for (let g = 0; g < groups; g++) {
      // The unit sums start from the activation's bias (beta and the lo codes' 128, see splitOf).
      let p0 = v128.load(bias), p1 = p0, p2 = p0, p3 = p0;
      // Half steps (16 codes of each row): with all 16 of a step's loads, V8 hoisted them and spilled.
      let wp = c;
      const end = wp + 512;
      do {
        const lo = v128.load(a), hi = safe ? v128.load(hp) : v128.load(a, 16);
        p0 = splitMac(safe, p0, wp, lo, hi, lowByte);
        p1 = splitMac(safe, p1, wp + 16, lo, hi, lowByte);
        p2 = splitMac(safe, p2, wp + 32, lo, hi, lowByte);
        p3 = splitMac(safe, p3, wp + 48, lo, hi, lowByte);
        wp += 64;
        a += 32;
        hp += 16;
      } while (wp < end);
      // The chunk's D (then M) of each row, right after its codes.
      const da = v128.load(ad + at);
      let v0 = f32x4.mul(f32x4.convert_i32x4_s(p0), f32x4.mul(v128.load(wp), da));
      let v1 = f32x4.mul(f32x4.convert_i32x4_s(p1), f32x4.mul(v128.load(wp, 16), da));
      let v2 = f32x4.mul(f32x4.convert_i32x4_s(p2), f32x4.mul(v128.load(wp, 32), da));
      let v3 = f32x4.mul(f32x4.convert_i32x4_s(p3), f32x4.mul(v128.load(wp, 48), da));
      if (offset) {
        const sa = v128.load(as + at);
        v0 = f32x4.add(v0, f32x4.mul(v128.load(wp, 64), sa));
        v1 = f32x4.add(v1, f32x4.mul(v128.load(wp, 80), sa));
        v2 = f32x4.add(v2, f32x4.mul(v128.load(wp, 96), sa));
        v3 = f32x4.add(v3, f32x4.mul(v128.load(wp, 112), sa));
      }
      acc0 = f32x4.add(acc0, v0);
      acc1 = f32x4.add(acc1, v1);
      acc2 = f32x4.add(acc2, v2);
      acc3 = f32x4.add(acc3, v3);
      c += chunk;
      bias += 16;
      at += 16;
    }
    const out = y + (<usize>(r - r0) << 2);
    store<f32>(out, laneTotal(acc0));
    store<f32>(out, laneTotal(acc1), 4);
    store<f32>(out, laneTotal(acc2), 8);
    store<f32>(out, laneTotal(acc3), 12);
  }
}

/**
 * gemvFour32 for the byte formats with super-blocks of 256 (Q6_K, Q5_K, the grid i-quants),
 * units of 16 or 32, a chunk per super-block. Its group steps repeat gemvFour32's on purpose: one
 * function for both block sizes ran 0.9-0.97x on one side or the other (a group loop of one trip,
 * or a do-while).
 */
export function gemvBytes256Four16(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_SIMD) gemvFour256(false, 16, layout, w, n, act, y, r0, r1);
}
export function gemvBytes256Four32(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_SIMD) gemvFour256(false, 32, layout, w, n, act, y, r0, r1);
}
export function gemvBytes256Four16Safe(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_SIMD) gemvFour256(true, 16, layout, w, n, act, y, r0, r1);
}
export function gemvBytes256Four32Safe(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_SIMD) gemvFour256(true, 32, layout, w, n, act, y, r0, r1);
}

// rowPair's super-block path for a quad: the same integer sums, and per row the same float
// operations in the same order (lane r of each vector below is row r's, where rowPair has its
// row in lane 0 or 1).
// @ts-ignore: decorator
@inline function gemvFour256(safe: bool, U: i32, layout: i32, w: usize, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  const nblk = n >> 8, scaled = (layout & SCALES) != 0, mins = (layout & MINS) != 0, chunk = chunkBytes(layout);
  const ad = act, abias = act + actBias(layout, n), ac = act + actCodes(layout, n), ah = act + actHighs(layout, n), asum16 = act + actSums16(layout, n);
  const lowByte = v128.load(NIBBLE_MASKS, 48);
  const su: usize = 256 / U; // each row's unit scales (and mins) in a chunk
  let c = w + <usize>(r0 >> 2) * (<usize>nblk * chunk);
  for (let r = r0; r < r1; r += 4) {
    let E0 = f32x4.splat(0), E1 = f32x4.splat(0), E2 = f32x4.splat(0), E3 = f32x4.splat(0);
    let a = ac, hp = ah, bias = abias;
    for (let b = 0; b < nblk; b++) {
      let acc0 = i32x4.splat(0), acc1 = i32x4.splat(0), acc2 = i32x4.splat(0), acc3 = i32x4.splat(0);
      let wp = c, sc = c + chunkScales(layout);
      for (let k = 0; k < 256 / (4 * U); k++) {
        let p0 = v128.load(bias), p1 = p0, p2 = p0, p3 = p0;
        // Half steps, as in gemvFour32.
        const end = wp + (<usize>U << 4);
        do {
          const lo = v128.load(a), hi = safe ? v128.load(hp) : v128.load(a, 16);
          p0 = splitMac(safe, p0, wp, lo, hi, lowByte);
          p1 = splitMac(safe, p1, wp + 16, lo, hi, lowByte);
          p2 = splitMac(safe, p2, wp + 32, lo, hi, lowByte);
          p3 = splitMac(safe, p3, wp + 48, lo, hi, lowByte);
          wp += 64;
          a += 32;
          hp += 16;
        } while (wp < end);
        if (scaled) {
          p0 = i32x4.mul(p0, unitScales(sc));
          p1 = i32x4.mul(p1, unitScales(sc + su));
          p2 = i32x4.mul(p2, unitScales(sc + 2 * su));
          p3 = i32x4.mul(p3, unitScales(sc + 3 * su));
        }
        acc0 = i32x4.add(acc0, p0);
        acc1 = i32x4.add(acc1, p1);
        acc2 = i32x4.add(acc2, p2);
        acc3 = i32x4.add(acc3, p3);
        bias += 16;
        sc += 4;
      }
      const lanes = v128.load(LANE_MASKS + (<usize>(b & 3) << 4));
      const da = f32x4.splat(load<f32>(ad + (<usize>b << 2)));
      const ints = f32x4.convert_i32x4_s(sumFour(acc0, acc1, acc2, acc3));
      // The chunk's D and M: lane r is row r's.
      let vu = f32x4.mul(ints, f32x4.mul(v128.load(c + chunkD(layout)), da));
      if (mins) {
        const mn = c + chunkMins(layout), s16 = asum16 + (<usize>b << (U == 32 ? 4 : 5));
        const ms = f32x4.convert_i32x4_s(sumFour(superMinsAt(U, mn, s16), superMinsAt(U, mn + su, s16),
          superMinsAt(U, mn + 2 * su, s16), superMinsAt(U, mn + 3 * su, s16)));
        vu = f32x4.sub(vu, f32x4.mul(ms, f32x4.mul(v128.load(c + chunkM(layout)), da)));
      }
      E0 = f32x4.add(E0, v128.and(i32x4.shuffle(vu, vu, 0, 0, 0, 0), lanes));
      E1 = f32x4.add(E1, v128.and(i32x4.shuffle(vu, vu, 1, 1, 1, 1), lanes));
      E2 = f32x4.add(E2, v128.and(i32x4.shuffle(vu, vu, 2, 2, 2, 2), lanes));
      E3 = f32x4.add(E3, v128.and(i32x4.shuffle(vu, vu, 3, 3, 3, 3), lanes));
      c += chunk;
    }
    const out = y + (<usize>(r - r0) << 2);
    store<f32>(out, laneTotal(E0));
    store<f32>(out, laneTotal(E1), 4);
    store<f32>(out, laneTotal(E2), 8);
    store<f32>(out, laneTotal(E3), 12);
  }
}

// The floats at p, p + q, p + 2q, p + 3q (a block's scale in each of four rows).
// @ts-ignore: decorator
@inline function fourRows(p: usize, q: usize): v128 {
  return f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(load<f32>(p)), 1, load<f32>(p + q)), 2, load<f32>(p + 2 * q)), 3, load<f32>(p + 3 * q));
}

// rowPair's final sum of four lane sums: (l0 + l1) + (l2 + l3).
// @ts-ignore: decorator
@inline function laneTotal(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

export function gemvBytes256(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  gemvRows(0, 256, 16, false, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvBytes256Wide(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  gemvRows(0, 256, 32, false, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvRelaxedTable16(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) gemvRows(1, 16, 16, true, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvRelaxedTable32(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) gemvRows(1, 32, 32, true, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvRelaxedAffine32(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) gemvRows(2, 32, 32, true, false, spanOf(type), type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvRelaxedAffine256(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) gemvRows(2, 256, 16, true, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvRelaxedAffine256Wide(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) gemvRows(2, 256, 32, true, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvRelaxedBytes32(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) gemvRows(0, 32, 32, true, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvRelaxedBytes256(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) gemvRows(0, 256, 16, true, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}
export function gemvRelaxedBytes256Wide(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) gemvRows(0, 256, 32, true, false, 1, type, layout, w, rows, n, act, y, 0, 0, r0, r1);
}

// The same for two activations at once (small-batch matmul), SIMD builds only.
export function gemm2Bytes32(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, act2: usize, y2: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_SIMD) gemvRows(0, 32, 32, false, true, 1, type, layout, w, rows, n, act, y, act2, y2, r0, r1);
}
export function gemm2Bytes256(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, act2: usize, y2: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_SIMD) gemvRows(0, 256, 16, false, true, 1, type, layout, w, rows, n, act, y, act2, y2, r0, r1);
}
export function gemm2Bytes256Wide(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, act2: usize, y2: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_SIMD) gemvRows(0, 256, 32, false, true, 1, type, layout, w, rows, n, act, y, act2, y2, r0, r1);
}
export function gemm2RelaxedBytes32(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, act2: usize, y2: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) gemvRows(0, 32, 32, true, true, 1, type, layout, w, rows, n, act, y, act2, y2, r0, r1);
}
export function gemm2RelaxedBytes256(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, act2: usize, y2: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) gemvRows(0, 256, 16, true, true, 1, type, layout, w, rows, n, act, y, act2, y2, r0, r1);
}
export function gemm2RelaxedBytes256Wide(type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, act2: usize, y2: usize, r0: i32, r1: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) gemvRows(0, 256, 32, true, true, 1, type, layout, w, rows, n, act, y, act2, y2, r0, r1);
}

// Code kinds, fixed at each call site: 0 int8 codes, 1 table indices, 2 affine indices.
// Rows go in pairs, so that each activation vector loaded serves two rows: row i of the range with
// row i + half, not with its neighbour. Out of cache, two neighbouring rows are two read streams a
// row apart, and the 4096 x 4096 GEMV ran at half its in-cache speed; half a matrix apart they read
// at about in-cache speed (same VM, same kernel). A pair's two results are independent of each
// other, so the pairing changes no bits. An odd middle row is paired with itself. The byte formats
// with blocks of 32 take four rows a pass instead (gemvBytes32Four).
// @ts-ignore: decorator
@inline function gemvRows(kind: i32, F: i32, U: i32, rel: bool, quad: bool, W: i32, type: i32, layout: i32, w: usize, rows: i32, n: i32, act: usize, y: usize, act2: usize, y2: usize, r0: i32, r1: i32): void {
  const table = tableOf(type), affine = affineOf(type);
  const nblk = n / F;
  const wm = w + regionM(layout, rows, n), ws = w + regionScales(layout, rows, n);
  const wn = w + regionMins(layout, rows, n), wc = w + regionCodes(layout, rows, n);
  const codeBytes = kind ? <usize>n >> 1 : <usize>n;
  const half = (r1 - r0 + 1) >> 1;
  for (let r = r0; r < r0 + half; r++) {
    const q = r + half < r1 ? r + half : r;
    const rb = <usize>r * <usize>nblk, ru = <usize>r * <usize>(n / U);
    const qb = <usize>q * <usize>nblk, qu = <usize>q * <usize>(n / U);
    rowPair(kind, F, U, rel, quad, layout, table, affine, W, n, act, act2,
      w + (rb << 2), wm + (rb << 2), ws + ru, wn + ru, wc + <usize>r * codeBytes,
      w + (qb << 2), wm + (qb << 2), ws + qu, wn + qu, wc + <usize>q * codeBytes,
      y + (<usize>(r - r0) << 2), y + (<usize>(q - r0) << 2), y2 + (<usize>(r - r0) << 2), y2 + (<usize>(q - r0) << 2));
  }
}

// Two rows' dot products with the activation, stored at y0 and y1; with `quad` (SIMD builds, byte
// codes; see ggufGemm2), also with a second activation act2, stored at z0 and z1. Each result takes the same operations
// in the same order either way, so matmul gives GEMV's bits.
// @ts-ignore: decorator
@inline function rowPair(kind: i32, F: i32, U: i32, rel: bool, quad: bool, layout: i32, table: usize, affine: i32, W: i32, n: i32, act: usize, act2: usize,
  d0: usize, m0: usize, s0: usize, n0: usize, c0: usize, d1: usize, m1: usize, s1: usize, n1: usize, c1: usize, y0: usize, y1: usize, z0: usize, z1: usize): void {
  const scaled = (layout & SCALES) != 0, mins = (layout & MINS) != 0, offset = (layout & OFFSET) != 0;
  const nblk = n / F;
  const ad = act, as = act + (<usize>nblk << 2), asum = act + actSums(layout, n), ac = act + actCodes(layout, n);
  const bd = act2, bs = act2 + (<usize>nblk << 2), bsum = act2 + actSums(layout, n), bc = act2 + actCodes(layout, n);
  const asum16 = act + actSums16(layout, n), bsum16 = act2 + actSums16(layout, n);
  const alpha = affine >> 8, beta = <i32><i8>affine;
  // Split codes (see splitOf) start each group from the activation's bias, which holds beta's part.
  const split = ASC_FEATURE_SIMD && kind == 0 && !rel;
  const gsum = split ? act + actBias(layout, n) : asum, gsum2 = split ? act2 + actBias(layout, n) : bsum;
  // and read A_hi from its own region (the codes region holds A_lo and A_hi - 256 A_lo).
  const ahigh = act + actHighs(layout, n), bhigh = act2 + actHighs(layout, n);
  // Lanes b % 4 of the float sums: e, f the two rows with act; g, h with act2.
  let e0: f32 = 0, e1: f32 = 0, e2: f32 = 0, e3: f32 = 0, f0: f32 = 0, f1: f32 = 0, f2: f32 = 0, f3: f32 = 0;
  let g0: f32 = 0, g1: f32 = 0, g2: f32 = 0, g3: f32 = 0, h0: f32 = 0, h1: f32 = 0, h2: f32 = 0, h3: f32 = 0;
  let b = 0;
  if (ASC_FEATURE_SIMD) {
    const t = v128.load(table);
    const codeStep: usize = kind ? 16 : 32;
    if (F == 256) {
      // A block is four groups (two of units of 32); its unit sums are scaled, summed, then reduced once.
      const groupCodes: usize = (kind ? 2 : 4) * <usize>U;
      let w0 = c0, w1 = c1, a = ac, sums = gsum, a2 = bc, sums2 = gsum2, sc0 = s0, sc1 = s1, hp = ahigh, hp2 = bhigh;
      let E = f32x4.splat(0), Fs = f32x4.splat(0), G = f32x4.splat(0), H = f32x4.splat(0);
      for (; b < nblk; b++) {
        let acc0 = i32x4.splat(0), acc1 = i32x4.splat(0), acc2 = i32x4.splat(0), acc3 = i32x4.splat(0);
        for (let k = 0; k < F / (4 * U); k++) {
          let l0: v128, l1: v128;
          if (quad) {
            l0 = groupQuad(kind, U, rel, beta, w0, w1, a, hp, sums, a2, hp2, sums2);
            l1 = v128.load(PAIR_SECOND);
          } else {
            // The group's steps, written out here and in the loop below: a helper could return
            // only one row's sums, the other through memory (8% slower), and one loop for both
            // block sizes ran 3-6% slower.
            let p = split ? v128.load(sums) : i32x4.splat(0), q = p;
            const m0 = v128.load(NIBBLE_MASKS + (kind == 0 ? 48 : 0)), m1 = v128.load(NIBBLE_MASKS, 16), m2 = v128.load(NIBBLE_MASKS, 32);
            // The steps advance the group's pointers themselves: no copies live across the loop.
            for (let st = 0; st < U >> 3; st++) {
              const v0 = v128.load(a), v1 = split ? v128.load(hp) : v128.load(a, 16), v2 = rel ? v0 : v128.load(a, 32), v3 = rel ? v0 : split ? v128.load(hp, 16) : v128.load(a, 48);
              p = stepRow(kind, rel, t, m0, m1, m2, p, w0, v0, v1, v2, v3);
              q = stepRow(kind, rel, t, m0, m1, m2, q, w1, v0, v1, v2, v3);
              w0 += codeStep;
              w1 += codeStep;
              a += rel ? 32 : 64;
              hp += 32;
            }
            l0 = unitsOf(kind, rel, alpha, p);
            l1 = unitsOf(kind, rel, alpha, q);
            // beta times the activation's unit sums, once for both rows.
            if (beta != 0 && !split) {
              const sb = i32x4.mul(v128.load(sums), i32x4.splat(beta));
              l0 = i32x4.add(l0, sb);
              l1 = i32x4.add(l1, sb);
            }
          }
          if (scaled) {
            const k0 = unitScales(sc0), k1 = unitScales(sc1);
            l0 = i32x4.mul(l0, k0);
            l1 = i32x4.mul(l1, k1);
            if (quad) {
              acc2 = i32x4.add(acc2, i32x4.mul(v128.load(PAIR_SECOND, 16), k0));
              acc3 = i32x4.add(acc3, i32x4.mul(v128.load(PAIR_SECOND, 32), k1));
            }
          } else if (quad) {
            acc2 = i32x4.add(acc2, v128.load(PAIR_SECOND, 16));
            acc3 = i32x4.add(acc3, v128.load(PAIR_SECOND, 32));
          }
          acc0 = i32x4.add(acc0, l0);
          acc1 = i32x4.add(acc1, l1);
          sums += 16;
          if (quad) {
            w0 += groupCodes;
            w1 += groupCodes;
            a += <usize>U << (rel ? 2 : 3);
            a2 += <usize>U << (rel ? 2 : 3);
            hp += <usize>U << 2;
            hp2 += <usize>U << 2;
            sums2 += 16;
          }
          sc0 += 4;
          sc1 += 4;
        }
        // The integer sums of the block, reduced together: isum row 0, row 1, msum row 0, row 1
        // (exact, so any order), then each row's float step in its own lane, added to lane b % 4
        // of the row's float sums (the other lanes get +0, which leaves them as they are).
        const at = <usize>b << 2;
        const lanes = v128.load(LANE_MASKS + (<usize>(b & 3) << 4));
        const da = f32x4.splat(load<f32>(ad + at));
        const dw = f32x4.replace_lane(f32x4.splat(load<f32>(d0 + at)), 1, load<f32>(d1 + at));
        let ints = f32x4.convert_i32x4_s(mins ? sumFour(acc0, acc1, superMins(U, n0, asum16, b), superMins(U, n1, asum16, b)) : sumTwo(acc0, acc1));
        let vu = f32x4.mul(ints, f32x4.mul(dw, da));
        if (mins) {
          const mw = f32x4.replace_lane(f32x4.splat(load<f32>(m0 + at)), 1, load<f32>(m1 + at));
          vu = f32x4.sub(vu, f32x4.mul(i32x4.shuffle(ints, ints, 2, 3, 2, 3), f32x4.mul(mw, da)));
        }
        E = f32x4.add(E, v128.and(i32x4.shuffle(vu, vu, 0, 0, 0, 0), lanes));
        Fs = f32x4.add(Fs, v128.and(i32x4.shuffle(vu, vu, 1, 1, 1, 1), lanes));
        if (quad) {
          const db = f32x4.splat(load<f32>(bd + at));
          ints = f32x4.convert_i32x4_s(mins ? sumFour(acc2, acc3, superMins(U, n0, bsum16, b), superMins(U, n1, bsum16, b)) : sumTwo(acc2, acc3));
          vu = f32x4.mul(ints, f32x4.mul(dw, db));
          if (mins) {
            const mw = f32x4.replace_lane(f32x4.splat(load<f32>(m0 + at)), 1, load<f32>(m1 + at));
            vu = f32x4.sub(vu, f32x4.mul(i32x4.shuffle(ints, ints, 2, 3, 2, 3), f32x4.mul(mw, db)));
          }
          G = f32x4.add(G, v128.and(i32x4.shuffle(vu, vu, 0, 0, 0, 0), lanes));
          H = f32x4.add(H, v128.and(i32x4.shuffle(vu, vu, 1, 1, 1, 1), lanes));
        }
      }
      e0 = f32x4.extract_lane(E, 0); e1 = f32x4.extract_lane(E, 1); e2 = f32x4.extract_lane(E, 2); e3 = f32x4.extract_lane(E, 3);
      f0 = f32x4.extract_lane(Fs, 0); f1 = f32x4.extract_lane(Fs, 1); f2 = f32x4.extract_lane(Fs, 2); f3 = f32x4.extract_lane(Fs, 3);
      if (quad) {
        g0 = f32x4.extract_lane(G, 0); g1 = f32x4.extract_lane(G, 1); g2 = f32x4.extract_lane(G, 2); g3 = f32x4.extract_lane(G, 3);
        h0 = f32x4.extract_lane(H, 0); h1 = f32x4.extract_lane(H, 1); h2 = f32x4.extract_lane(H, 2); h3 = f32x4.extract_lane(H, 3);
      }
    } else {
      // A group is four blocks: its unit sums are the block sums.
      let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0), acc2 = f32x4.splat(0), acc3 = f32x4.splat(0);
      const groups = n / (4 * U);
      const groupCodes: usize = (kind ? 2 : 4) * <usize>U;
      let w0 = c0, w1 = c1, a = ac, sums = gsum, a2 = bc, sums2 = gsum2, at: usize = 0, hp = ahigh, hp2 = bhigh;
      for (let g = 0; g < groups; g++) {
        let i0: v128, i1: v128;
        if (quad) {
          i0 = groupQuad(kind, U, rel, beta, w0, w1, a, hp, sums, a2, hp2, sums2);
          i1 = v128.load(PAIR_SECOND);
        } else {
          let p = split ? v128.load(sums) : i32x4.splat(0), q = p;
          const m0 = v128.load(NIBBLE_MASKS + (kind == 0 ? 48 : 0)), m1 = v128.load(NIBBLE_MASKS, 16), m2 = v128.load(NIBBLE_MASKS, 32);
          // The steps advance the group's pointers themselves: no copies live across the loop.
          for (let st = 0; st < U >> 3; st++) {
            const v0 = v128.load(a), v1 = split ? v128.load(hp) : v128.load(a, 16), v2 = rel ? v0 : v128.load(a, 32), v3 = rel ? v0 : split ? v128.load(hp, 16) : v128.load(a, 48);
            p = stepRow(kind, rel, t, m0, m1, m2, p, w0, v0, v1, v2, v3);
            q = stepRow(kind, rel, t, m0, m1, m2, q, w1, v0, v1, v2, v3);
            w0 += codeStep;
            w1 += codeStep;
            a += rel ? 32 : 64;
            hp += 32;
          }
          i0 = unitsOf(kind, rel, alpha, p);
          i1 = unitsOf(kind, rel, alpha, q);
          // beta times the activation's unit sums, once for both rows.
          if (beta != 0 && !split) {
            const sb = i32x4.mul(v128.load(sums), i32x4.splat(beta));
            i0 = i32x4.add(i0, sb);
            i1 = i32x4.add(i1, sb);
          }
        }
        const da = v128.load(ad + at);
        if (W > 1) {
          // Nibble codes, so never quad (see ggufGemm2); one weight scale per W blocks (see spanOf).
          const v = f32x4.mul(f32x4.convert_i32x4_s(i0), da), u = f32x4.mul(f32x4.convert_i32x4_s(i1), da);
          const v0 = f32x4.extract_lane(v, 0), v1 = f32x4.extract_lane(v, 1), v2 = f32x4.extract_lane(v, 2), v3 = f32x4.extract_lane(v, 3);
          const u0 = f32x4.extract_lane(u, 0), u1 = f32x4.extract_lane(u, 1), u2 = f32x4.extract_lane(u, 2), u3 = f32x4.extract_lane(u, 3);
          if (W == 4) {
            e0 += load<f32>(d0 + at) * ((((<f32>0 + v0) + v1) + v2) + v3);
            f0 += load<f32>(d1 + at) * ((((<f32>0 + u0) + u1) + u2) + u3);
          } else {
            e0 += load<f32>(d0 + at) * ((<f32>0 + v0) + v1);
            f0 += load<f32>(d1 + at) * ((<f32>0 + u0) + u1);
            e0 += load<f32>(d0 + at, 8) * ((<f32>0 + v2) + v3);
            f0 += load<f32>(d1 + at, 8) * ((<f32>0 + u2) + u3);
          }
        } else {
          const dw0 = v128.load(d0 + at), dw1 = v128.load(d1 + at);
          let v = f32x4.mul(f32x4.convert_i32x4_s(i0), f32x4.mul(dw0, da));
          let u = f32x4.mul(f32x4.convert_i32x4_s(i1), f32x4.mul(dw1, da));
          if (offset) {
            const sa = v128.load(as + at);
            v = f32x4.add(v, f32x4.mul(v128.load(m0 + at), sa));
            u = f32x4.add(u, f32x4.mul(v128.load(m1 + at), sa));
          }
          acc0 = f32x4.add(acc0, v);
          acc1 = f32x4.add(acc1, u);
          if (quad) {
            const db = v128.load(bd + at);
            let v2 = f32x4.mul(f32x4.convert_i32x4_s(v128.load(PAIR_SECOND, 16)), f32x4.mul(dw0, db));
            let u2 = f32x4.mul(f32x4.convert_i32x4_s(v128.load(PAIR_SECOND, 32)), f32x4.mul(dw1, db));
            if (offset) {
              const sb = v128.load(bs + at);
              v2 = f32x4.add(v2, f32x4.mul(v128.load(m0 + at), sb));
              u2 = f32x4.add(u2, f32x4.mul(v128.load(m1 + at), sb));
            }
            acc2 = f32x4.add(acc2, v2);
            acc3 = f32x4.add(acc3, u2);
            a2 += <usize>U << (rel ? 2 : 3);
            hp2 += <usize>U << 2;
            sums2 += 16;
          }
        }
        if (quad) {
          w0 += groupCodes;
          w1 += groupCodes;
          a += <usize>U << (rel ? 2 : 3);
          hp += <usize>U << 2;
        }
        sums += 16;
        at += 16;
      }
      if (W == 1) {
        e0 = f32x4.extract_lane(acc0, 0); e1 = f32x4.extract_lane(acc0, 1); e2 = f32x4.extract_lane(acc0, 2); e3 = f32x4.extract_lane(acc0, 3);
        f0 = f32x4.extract_lane(acc1, 0); f1 = f32x4.extract_lane(acc1, 1); f2 = f32x4.extract_lane(acc1, 2); f3 = f32x4.extract_lane(acc1, 3);
      }
      if (quad) {
        g0 = f32x4.extract_lane(acc2, 0); g1 = f32x4.extract_lane(acc2, 1); g2 = f32x4.extract_lane(acc2, 2); g3 = f32x4.extract_lane(acc2, 3);
        h0 = f32x4.extract_lane(acc3, 0); h1 = f32x4.extract_lane(acc3, 1); h2 = f32x4.extract_lane(acc3, 2); h3 = f32x4.extract_lane(acc3, 3);
      }
      b = 4 * groups;
    }
  } else {
    // The scalar build walks the same groups in the same order, four unit sums at a time.
    if (F == 256) {
      for (; b < nblk; b++) {
        let i0: i32 = 0, i1: i32 = 0;
        for (let k = 0; k < F / (4 * U); k++) {
          const g = F / (4 * U) * b + k;
          groupScalar(kind, U, table, alpha, beta, c0, ac, asum, g, UNIT_SUMS);
          groupScalar(kind, U, table, alpha, beta, c1, ac, asum, g, UNIT_SUMS + 16);
          for (let u = 0; u < 4; u++) {
            const a = load<i32>(UNIT_SUMS + (<usize>u << 2)), c = load<i32>(UNIT_SUMS + 16 + (<usize>u << 2));
            i0 += scaled ? a * <i32>load<i8>(s0 + <usize>(4 * g + u)) : a;
            i1 += scaled ? c * <i32>load<i8>(s1 + <usize>(4 * g + u)) : c;
          }
        }
        const at = <usize>b << 2;
        const da = load<f32>(ad + at);
        let v = <f32>i0 * (load<f32>(d0 + at) * da);
        let u = <f32>i1 * (load<f32>(d1 + at) * da);
        if (mins) {
          let mv: i32 = 0, mu: i32 = 0;
          for (let k = F / U * b; k < F / U * (b + 1); k++) {
            const sum = load<i32>(asum + (<usize>k << 2));
            mv += <i32>load<i8>(n0 + <usize>k) * sum;
            mu += <i32>load<i8>(n1 + <usize>k) * sum;
          }
          v -= <f32>mv * (load<f32>(m0 + at) * da);
          u -= <f32>mu * (load<f32>(m1 + at) * da);
        }
        const lane = b & 3;
        if (lane == 0) { e0 += v; f0 += u; }
        else if (lane == 1) { e1 += v; f1 += u; }
        else if (lane == 2) { e2 += v; f2 += u; }
        else { e3 += v; f3 += u; }
      }
    } else {
      const groups = n / (4 * U);
      for (let g = 0; g < groups; g++) {
        groupScalar(kind, U, table, alpha, beta, c0, ac, asum, g, UNIT_SUMS);
        groupScalar(kind, U, table, alpha, beta, c1, ac, asum, g, UNIT_SUMS + 16);
        if (W > 1) {
          let iv: f32 = 0, iu: f32 = 0;
          for (let k = 0; k < 4; k++) {
            const at = <usize>(4 * g + k) << 2;
            const da = load<f32>(ad + at);
            iv += <f32>load<i32>(UNIT_SUMS + (<usize>k << 2)) * da;
            iu += <f32>load<i32>(UNIT_SUMS + 16 + (<usize>k << 2)) * da;
            if (k % W == W - 1) {
              e0 += load<f32>(d0 + at) * iv;
              f0 += load<f32>(d1 + at) * iu;
              iv = 0;
              iu = 0;
            }
          }
          continue;
        }
        for (let k = 0; k < 4; k++) {
          const at = <usize>(4 * g + k) << 2;
          const da = load<f32>(ad + at);
          let v = <f32>load<i32>(UNIT_SUMS + (<usize>k << 2)) * (load<f32>(d0 + at) * da);
          let u = <f32>load<i32>(UNIT_SUMS + 16 + (<usize>k << 2)) * (load<f32>(d1 + at) * da);
          if (offset) {
            const sa = load<f32>(as + at);
            v += load<f32>(m0 + at) * sa;
            u += load<f32>(m1 + at) * sa;
          }
          if (k == 0) { e0 += v; f0 += u; }
          else if (k == 1) { e1 += v; f1 += u; }
          else if (k == 2) { e2 += v; f2 += u; }
          else { e3 += v; f3 += u; }
        }
      }
      b = 4 * groups;
    }
  }
  // The remaining blocks (all of them in the scalar build), one value at a time: the same integers,
  // the same float operations.
  let iv: f32 = 0, iu: f32 = 0;
  for (; b < nblk; b++) {
    const v = blockScalar(kind, F, U, rel, scaled, mins, offset, table, alpha, beta, W, n, ad, as, asum, ac, d0, m0, s0, n0, c0, b);
    const u = blockScalar(kind, F, U, rel, scaled, mins, offset, table, alpha, beta, W, n, ad, as, asum, ac, d1, m1, s1, n1, c1, b);
    if (W > 1) {
      // The tail starts at a group, so at a weight scale (see spanOf); nibble codes, so never quad.
      iv += v;
      iu += u;
      if (b % W == W - 1) {
        e0 += load<f32>(d0 + (<usize>b << 2)) * iv;
        f0 += load<f32>(d1 + (<usize>b << 2)) * iu;
        iv = 0;
        iu = 0;
      }
      continue;
    }
    const lane = b & 3;
    if (lane == 0) { e0 += v; f0 += u; }
    else if (lane == 1) { e1 += v; f1 += u; }
    else if (lane == 2) { e2 += v; f2 += u; }
    else { e3 += v; f3 += u; }
    if (quad) {
      const v2 = blockScalar(kind, F, U, rel, scaled, mins, offset, table, alpha, beta, W, n, bd, bs, bsum, bc, d0, m0, s0, n0, c0, b);
      const u2 = blockScalar(kind, F, U, rel, scaled, mins, offset, table, alpha, beta, W, n, bd, bs, bsum, bc, d1, m1, s1, n1, c1, b);
      if (lane == 0) { g0 += v2; h0 += u2; }
      else if (lane == 1) { g1 += v2; h1 += u2; }
      else if (lane == 2) { g2 += v2; h2 += u2; }
      else { g3 += v2; h3 += u2; }
    }
  }
  store<f32>(y0, (e0 + e1) + (e2 + e3));
  store<f32>(y1, (f0 + f1) + (f2 + f3));
  if (quad) {
    store<f32>(z0, (g0 + g1) + (g2 + g3));
    store<f32>(z1, (h0 + h1) + (h2 + h3));
  }
}

// Block b of one row, value by value; with W > 1 (see spanOf), float(isum) * d_a only.
// @ts-ignore: decorator
@inline function blockScalar(kind: i32, F: i32, U: i32, rel: bool, scaled: bool, mins: bool, offset: bool, table: usize, alpha: i32, beta: i32, W: i32, n: i32,
  ad: usize, as: usize, asum: usize, ac: usize, wd: usize, wm: usize, ws: usize, wn: usize, wc: usize, b: i32): f32 {
  let isum: i32 = 0, msum: i32 = 0;
  for (let u = b * (F / U); u < (b + 1) * (F / U); u++) {
    let part: i32 = 0;
    for (let j = U * u; j < U * u + U; j++) {
      const s = slot(j, n, U, rel);
      let c: i32;
      if (kind == 0) c = <i32>load<i8>(wc + <usize>s) + beta;
      else {
        const where = nibbleAt(kind, s, n, U, rel);
        const i = (<i32>load<u8>(wc + <usize>(where >> 1)) >> ((where & 1) << 2)) & 0xf;
        c = kind == 1 ? <i32>load<i8>(table + <usize>i) + beta : alpha * i + beta;
      }
      part += c * (rel ? <i32>load<i8>(ac + <usize>s) : <i32>load<i16>(ac + (<usize>s << 1)));
    }
    isum += scaled ? part * <i32>load<i8>(ws + <usize>u) : part;
    if (mins) msum += <i32>load<i8>(wn + <usize>u) * load<i32>(asum + (<usize>u << 2));
  }
  const at = <usize>b << 2;
  const da = load<f32>(ad + at);
  if (W > 1) return <f32>isum * da;
  let v = <f32>isum * (load<f32>(wd + at) * da);
  if (mins) v -= <f32>msum * (load<f32>(wm + at) * da);
  if (offset) v += load<f32>(wm + at) * load<f32>(as + at);
  return v;
}

// Four unit sums of each of two rows (the scalar build's stepRow).
const UNIT_SUMS = memory.data(32, 16);

/** stepRow's group for one row without SIMD: the four unit sums of group g written at out. */
// @ts-ignore: decorator
@inline function groupScalar(kind: i32, U: i32, table: usize, alpha: i32, beta: i32, c: usize, ac: usize, asum: usize, g: i32, out: usize): void {
  let u0: i32 = 0, u1: i32 = 0, u2: i32 = 0, u3: i32 = 0;
  for (let st = g * (U >> 3); st < (g + 1) * (U >> 3); st++) {
    const a = ac + (<usize>st << 6);
    // Slot 8 j + m of the step pairs with unit m / 2.
    for (let j = 0; j < 4; j++) {
      for (let m = 0; m < 8; m += 2) {
        let x0: i32, x1: i32;
        if (kind == 0) {
          x0 = <i32>load<i8>(c + (<usize>st << 5) + <usize>(8 * j + m));
          x1 = <i32>load<i8>(c + (<usize>st << 5) + <usize>(8 * j + m + 1));
        } else if (kind == 2) {
          x0 = (<i32>load<u16>(c + (<usize>st << 4) + <usize>(2 * m)) >> (4 * j)) & 0xf;
          x1 = (<i32>load<u16>(c + (<usize>st << 4) + <usize>(2 * m + 2)) >> (4 * j)) & 0xf;
        } else {
          const byte = c + (<usize>st << 4) + <usize>(((j & 1) << 3) + m), shift = (j >> 1) << 2;
          x0 = <i32>load<i8>(table + <usize>((<i32>load<u8>(byte) >> shift) & 0xf));
          x1 = <i32>load<i8>(table + <usize>((<i32>load<u8>(byte, 1) >> shift) & 0xf));
        }
        const p = x0 * <i32>load<i16>(a + <usize>(2 * (8 * j + m))) + x1 * <i32>load<i16>(a + <usize>(2 * (8 * j + m + 1)));
        if (m == 0) u0 += p;
        else if (m == 2) u1 += p;
        else if (m == 4) u2 += p;
        else u3 += p;
      }
    }
  }
  if (kind == 0 || kind == 2) {
    const s = asum + (<usize>g << 4);
    u0 = alpha * u0 + beta * load<i32>(s);
    u1 = alpha * u1 + beta * load<i32>(s, 4);
    u2 = alpha * u2 + beta * load<i32>(s, 8);
    u3 = alpha * u3 + beta * load<i32>(s, 12);
  }
  store<i32>(out, u0);
  store<i32>(out, u1, 4);
  store<i32>(out, u2, 8);
  store<i32>(out, u3, 12);
}

// Nibbles 0, 1 and 2 of every int16 lane (stepRow's affine indices), then its low byte (split codes).
const NIBBLE_MASKS = memory.data<u16>([
  0x000f, 0x000f, 0x000f, 0x000f, 0x000f, 0x000f, 0x000f, 0x000f,
  0x00f0, 0x00f0, 0x00f0, 0x00f0, 0x00f0, 0x00f0, 0x00f0, 0x00f0,
  0x0f00, 0x0f00, 0x0f00, 0x0f00, 0x0f00, 0x0f00, 0x0f00, 0x0f00,
  0x00ff, 0x00ff, 0x00ff, 0x00ff, 0x00ff, 0x00ff, 0x00ff, 0x00ff,
], 16);

// Where groupQuad leaves its other results (wasm functions return one value).
const PAIR_SECOND = memory.data(48, 16);

/**
 * One step (32 values) of one row's group: its codes at w against the activation's four int16
 * vectors v0..v3 (the relaxed kernel: its two int8 vectors in v0, v1), added to the four unit sums
 * in acc (lane k = unit k). Shaped for V8: the caller loads the activation once for both rows and
 * keeps the steps a loop over running pointers (unrolled into one block, V8 hoists every load to
 * its top and spills); the sums stay in registers (a store and load per group cost 8% in a
 * stripped-down Q4_0 kernel).
 */
// @ts-ignore: decorator
@inline function stepRow(kind: i32, rel: bool, t: v128, m0: v128, m1: v128, m2: v128, acc: v128, w: usize, v0: v128, v1: v128, v2: v128, v3: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD && rel) {
    // 16 products a lane: codes (in [0, 127]) as the 7-bit operand, the int8 activation as the other.
    if (kind == 0) return i32x4.relaxed_dot_i8x16_i7x16_add_s(v1, v128.load(w, 16), i32x4.relaxed_dot_i8x16_i7x16_add_s(v0, v128.load(w), acc));
    const x = v128.load(w);
    let lo = lowNibbles(x), hi = highNibbles(x);
    if (kind == 1) {
      lo = lookup16(t, lo);
      hi = lookup16(t, hi);
    }
    return i32x4.relaxed_dot_i8x16_i7x16_add_s(v1, hi, i32x4.relaxed_dot_i8x16_i7x16_add_s(v0, lo, acc));
  }
  // Split codes (see splitOf) against A_lo, A_hi of each half: the lo bytes masked, the hi shifted
  // down (this kernel also serves activations with an A_lo of -128).
  if (kind == 0) {
    const x = v128.load(w), x2 = v128.load(w, 16);
    return mac(mac(mac(mac(acc, v128.and(x, m0), v0), i16x8.shr_s(x, 8), v1), v128.and(x2, m0), v2), i16x8.shr_s(x2, 8), v3);
  }
  const x = v128.load(w);
  if (kind == 1) {
    const lo = lookup16(t, lowNibbles(x)), hi = lookup16(t, highNibbles(x));
    return mac(mac(mac(mac(acc, i16x8.extend_low_i8x16_s(lo), v0), i16x8.extend_high_i8x16_s(lo), v1), i16x8.extend_low_i8x16_s(hi), v2), i16x8.extend_high_i8x16_s(hi), v3);
  }
  // Nibble k of each int16 lane masked in place (16^k q) against an activation packed times
  // 256 / 16^k (see ggufPackActivation), so every product is 256 q a; nibble 3 is shifted down
  // instead (256 q times 256 a would not fit). The masks come from memory: as constants, V8
  // builds them anew every step.
  return mac(mac(mac(mac(acc, v128.and(x, m0), v0), v128.and(x, m1), v1), v128.and(x, m2), v2), i16x8.shr_u(x, 12), v3);
}

/** A row's four unit sums of a group from stepRow's: the affine indices' 256 and alpha undone (beta: the caller). */
// @ts-ignore: decorator
@inline function unitsOf(kind: i32, rel: bool, alpha: i32, acc: v128): v128 {
  if (kind == 2 && !rel) acc = i32x4.shr_s(acc, 8);
  if (kind == 2 && alpha != 1) acc = i32x4.mul(acc, i32x4.splat(alpha));
  return acc;
}

/**
 * The four unit sums of a group of two rows (codes from w0 and w1) with each of two activations
 * (a, a2; small-batch matmul, byte codes only, see ggufGemm2): each code vector loaded meets both,
 * so each load serves four products. Returns row 0's sums with act and leaves row 1's, then rows
 * 0 and 1 with act2, at PAIR_SECOND, + 16, + 32 (wasm functions return one value). beta is applied
 * (times the activations' unit sums, at sums and sums2).
 */
// @ts-ignore: decorator
@inline function groupQuad(kind: i32, U: i32, rel: bool, beta: i32, w0: usize, w1: usize, a: usize, ha: usize, sums: usize, a2: usize, ha2: usize, sums2: usize): v128 {
  // Split codes (see splitOf) start from the activations' bias (sums, sums2 point at it).
  const split = ASC_FEATURE_SIMD && !rel, lowByte = v128.load(NIBBLE_MASKS, 48);
  let p = split ? v128.load(sums) : i32x4.splat(0), q = p, r = split ? v128.load(sums2) : i32x4.splat(0), z = r;
  for (let st = 0; st < U >> 3; st++) {
    if (ASC_FEATURE_RELAXED_SIMD && rel) {
      const a0 = v128.load(a), a1 = v128.load(a, 16), b0 = v128.load(a2), b1 = v128.load(a2, 16);
      const vl = v128.load(w0), vh = v128.load(w0, 16), xl = v128.load(w1), xh = v128.load(w1, 16);
      p = i32x4.relaxed_dot_i8x16_i7x16_add_s(a0, vl, p);
      p = i32x4.relaxed_dot_i8x16_i7x16_add_s(a1, vh, p);
      q = i32x4.relaxed_dot_i8x16_i7x16_add_s(a0, xl, q);
      q = i32x4.relaxed_dot_i8x16_i7x16_add_s(a1, xh, q);
      r = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, vl, r);
      r = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, vh, r);
      z = i32x4.relaxed_dot_i8x16_i7x16_add_s(b0, xl, z);
      z = i32x4.relaxed_dot_i8x16_i7x16_add_s(b1, xh, z);
      a += 32;
      a2 += 32;
    } else {
      for (let h = 0; h < 2; h++) {
        const x = v128.load(w0 + (<usize>h << 4)), xd = v128.load(w1 + (<usize>h << 4));
        const c = v128.and(x, lowByte), c2 = i16x8.shr_s(x, 8), d = v128.and(xd, lowByte), d2 = i16x8.shr_s(xd, 8);
        const al = v128.load(a + (<usize>h << 5)), ah = v128.load(ha + (<usize>h << 4));
        const bl = v128.load(a2 + (<usize>h << 5)), bh = v128.load(ha2 + (<usize>h << 4));
        p = mac(mac(p, c, al), c2, ah); q = mac(mac(q, d, al), d2, ah);
        r = mac(mac(r, c, bl), c2, bh); z = mac(mac(z, d, bl), d2, bh);
      }
      a += 64;
      a2 += 64;
      ha += 32;
      ha2 += 32;
    }
    w0 += 32;
    w1 += 32;
  }
  if (beta != 0 && !split) {
    const sb = i32x4.mul(v128.load(sums), i32x4.splat(beta));
    p = i32x4.add(p, sb);
    q = i32x4.add(q, sb);
    const sb2 = i32x4.mul(v128.load(sums2), i32x4.splat(beta));
    r = i32x4.add(r, sb2);
    z = i32x4.add(z, sb2);
  }
  v128.store(PAIR_SECOND, q);
  v128.store(PAIR_SECOND, r, 16);
  v128.store(PAIR_SECOND, z, 32);
  return p;
}

// @ts-ignore: decorator
@inline function mac(acc: v128, w: v128, a: v128): v128 {
  return i32x4.add(acc, i32x4.dot_i16x8_s(w, a));
}

// 16 split codes at w (see splitOf) against A_lo and hi: A_hi - 256 A_lo, or with `safe` A_hi, the
// lo bytes then masked off the hi ones (any activation codes).
// @ts-ignore: decorator
@inline function splitMac(safe: bool, acc: v128, w: usize, lo: v128, hi: v128, lowByte: v128): v128 {
  const x = v128.load(w);
  return mac(mac(acc, safe ? v128.and(x, lowByte) : x, lo), i16x8.shr_s(x, 8), hi);
}

// The int8 scales of a group's four units, as int32 lanes.
// @ts-ignore: decorator
@inline function unitScales(ws: usize): v128 {
  // A sign-extending load of 8 (the next 4 bytes are the next group's scales, or the mins or codes
  // that follow the scales region): one instruction fewer than widening a 4-byte load twice.
  return i32x4.extend_low_i16x8_s(v128.load8x8_s(ws));
}

// Super-block b's unit mins (16, or 8 units of 32) times the activation's unit sums (their int16
// copies), over four lanes.
// @ts-ignore: decorator
@inline function superMins(U: i32, wn: usize, asum16: usize, b: i32): v128 {
  return superMinsAt(U, wn + (<usize>b << (U == 32 ? 3 : 4)), asum16 + (<usize>b << (U == 32 ? 4 : 5)));
}
// The same from the super-block's mins at m and its activation unit sums at s16.
// @ts-ignore: decorator
@inline function superMinsAt(U: i32, m: usize, s16: usize): v128 {
  if (U == 32) return i32x4.dot_i16x8_s(v128.load8x8_s(m), v128.load(s16));
  const v = v128.load(m);
  return i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(v), v128.load(s16)), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(v), v128.load(s16, 16)));
}

// The lane sums of two vectors in lanes 0 and 1 (and again in 2 and 3).
// @ts-ignore: decorator
@inline function sumTwo(a: v128, b: v128): v128 {
  const ab = i32x4.add(i32x4.shuffle(a, b, 0, 4, 1, 5), i32x4.shuffle(a, b, 2, 6, 3, 7));
  return i32x4.add(ab, i32x4.shuffle(ab, ab, 2, 3, 0, 1));
}

// All ones in lane k of row k: adds a float to one lane of four.
const LANE_MASKS = memory.data<i32>([-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1], 16);
