// One GGUF block spelled out for the dot-product packer (gemv.ts): each format's unpack function
// writes here the integer code (or codebook index) of every value in natural order, the integer
// scale and min of every 16 values where the format has them, and its float scales.
export const U_CODES = memory.data(256);
export const U_SCALES = memory.data(16);
export const U_MINS = memory.data(16);
/** Float scale per float block (16, 32 or 256 values), and the min or offset scale where the format has one. */
export const U_D = memory.data(8 << 2);
export const U_M = memory.data(8 << 2);

// @ts-ignore: decorator
@inline export function setCode(i: i32, c: i32): void {
  store<u8>(U_CODES + <usize>i, <u8>c);
}

// @ts-ignore: decorator
@inline export function setScale(i: i32, s: i32, m: i32): void {
  store<i8>(U_SCALES + <usize>i, <i8>s);
  store<i8>(U_MINS + <usize>i, <i8>m);
}

// @ts-ignore: decorator
@inline export function setD(i: i32, d: f32, m: f32): void {
  store<f32>(U_D + (<usize>i << 2), d);
  store<f32>(U_M + (<usize>i << 2), m);
}

/** Nibble pairs as 32 values: value j in the low nibble of byte j, value j + 16 in its high nibble. */
// @ts-ignore: decorator
@inline export function setNibbleCodes(q: usize, at: i32): void {
  for (let j = 0; j < 16; j++) {
    const c = <i32>load<u8>(q + <usize>j);
    setCode(at + j, c & 0xf);
    setCode(at + j + 16, c >> 4);
  }
}
