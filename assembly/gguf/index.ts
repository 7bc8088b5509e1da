// Dispatch over the GGUF block formats by ggml_type id (the table of names and sizes is
// src/gguf/types.ts). Each entry returns false for a type it does not handle (yet).
import { dequantizeQ4_0, Q4_0_BYTES, quantizeQ4_0 } from "./q4_0";
import { dequantizeQ8_0, Q8_0_BYTES, quantizeQ8_0 } from "./q8_0";
export { firstNonFinite } from "./common";

const Q4_0: i32 = 2, Q8_0: i32 = 8;

export function ggufQuantize(type: i32, x: usize, out: usize, blocks: i32): bool {
  if (type == Q4_0) quantizeQ4_0(x, out, blocks);
  else if (type == Q8_0) quantizeQ8_0(x, out, blocks);
  else return false;
  return true;
}

export function ggufDequantize(type: i32, src: usize, y: usize, blocks: i32): bool {
  if (type == Q4_0) dequantizeQ4_0(src, y, blocks);
  else if (type == Q8_0) dequantizeQ8_0(src, y, blocks);
  else return false;
  return true;
}

/** Bytes per block of the types with kernels here (0 for others): the test holds it against the table. */
export function ggufBlockBytes(type: i32): i32 {
  if (type == Q4_0) return Q4_0_BYTES;
  if (type == Q8_0) return Q8_0_BYTES;
  return 0;
}
