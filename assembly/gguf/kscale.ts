// The 6-bit scale and min pairs of Q4_K and Q5_K: 8 pairs packed into 12 bytes.
// @ts-ignore: decorator
@inline export function kScale(q: usize, j: i32): i32 {
  return j < 4 ? <i32>load<u8>(q + <usize>j) & 63 : (<i32>load<u8>(q + <usize>(j + 4)) & 0xf) | ((<i32>load<u8>(q + <usize>(j - 4)) >> 6) << 4);
}

// @ts-ignore: decorator
@inline export function kMin(q: usize, j: i32): i32 {
  return j < 4 ? <i32>load<u8>(q + <usize>(j + 4)) & 63 : (<i32>load<u8>(q + <usize>(j + 4)) >> 4) | ((<i32>load<u8>(q + <usize>j) >> 6) << 4);
}
