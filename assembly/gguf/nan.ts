// Wasm leaves the sign of a NaN that an operation makes from operands that are not NaN (inf * 0,
// inf - inf) to the hardware: x86 sets it (0xffc00000), Arm does not (0x7fc00000). ggml's vectors
// were made on x86 and every build here must give the same bits on every machine, so the NaNs a
// dequantizer made get x86's sign. Those come only from blocks with an infinite scale; a NaN scale
// instead carries its own NaN through (the same on every CPU), so blocks with one are left alone.
import { superScaleBits } from "./iq1_m";

export const HALF_SCALES = 0, FLOAT_SCALE = 1, IQ1_M_SCALE = 2;

// 0 and infinity in memory, so that their product is made at run time, by this machine.
const PROBE = memory.data<f32>([0, Infinity]);

/**
 * Whether this machine makes NaNs without x86's sign (Arm, RISC-V): every float operation of one
 * CPU makes the same NaN, so on x86 dequantizers skip the scan (it cost the 32-value formats 10-14%).
 */
export function madeNaNsLackSign(): bool {
  return reinterpret<i32>(load<f32>(PROBE) * load<f32>(PROBE, 4)) >= 0;
}

// 0: finite, 1: infinite, 2: NaN, of fp16 bits.
// @ts-ignore: decorator
@inline function halfClass(h: i32): i32 {
  const m = h & 0x7fff;
  return m < 0x7c00 ? 0 : m == 0x7c00 ? 1 : 2;
}

// Bit 16 set exactly when the fp16 at p has all exponent bits set.
// @ts-ignore: decorator
@inline function allSet(p: usize): i32 {
  return (<i32>load<u16>(p) | 0x83ff) + 1;
}

/**
 * After dequantizing `blocks` blocks of `bytes` bytes from src into `per` floats each at y: sets
 * the sign of every NaN output of each block whose scales include an infinity and no NaN. Scales:
 * fp16 at bytes a and b (b = a for one scale), a float32 at a, or IQ1_M's packed fp16.
 */
export function signMadeNaNs(src: usize, y: usize, blocks: i32, bytes: usize, per: i32, kind: i32, a: usize, b: usize): void {
  if (kind == FLOAT_SCALE) {
    for (let k = 0; k < blocks; k++) {
      const m = load<u32>(src + <usize>k * bytes + a) & 0x7fffffff;
      if (m == 0x7f800000) signBlock(y, k, per);
    }
  } else if (kind == IQ1_M_SCALE) {
    for (let k = 0; k < blocks; k++) {
      if (halfClass(superScaleBits(src + <usize>k * bytes)) == 1) signBlock(y, k, per);
    }
  } else {
    // h | 0x83ff is 0xffff, and h | 0x83ff + 1 reaches bit 16, exactly when h's exponent bits are
    // all set (an infinity or a NaN): one or and add a scale, a branch a chunk (a test and branch a
    // block cost Q4_0's dequantizer 20-35%).
    let any = 0;
    for (let k = 0, p = src + a; k < blocks; k++, p += bytes) any |= allSet(p) | allSet(p + b - a);
    if (!(any & 0x10000)) return;
    for (let k = 0; k < blocks; k++) {
      const p = src + <usize>k * bytes, h = <i32>load<u16>(p + a), g = <i32>load<u16>(p + b);
      if (max(halfClass(h), halfClass(g)) == 1) signBlock(y, k, per);
    }
  }
}

// @ts-ignore: decorator
@inline function signBlock(y: usize, k: i32, per: i32): void {
  const out = y + <usize>k * (<usize>per << 2);
  for (let j = 0; j < per; j++) {
    const p = out + (<usize>j << 2), v = load<u32>(p);
    if ((v & 0x7fffffff) > 0x7f800000) store<u32>(p, v | 0x80000000);
  }
}

/**
 * Dot products sum many terms, and which of two NaN operands a sum keeps differs between engines
 * (V8 may swap a commutative operation's operands) as well as CPUs: every NaN total is x86's
 * default NaN.
 */
export function canonicalNaNs(y: usize, count: i32): void {
  for (let r = 0; r < count; r++) {
    const p = y + (<usize>r << 2);
    if ((load<u32>(p) & 0x7fffffff) > 0x7f800000) store<u32>(p, 0xffc00000);
  }
}
