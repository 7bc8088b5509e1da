// ggml's WebAssembly Q8_0 GEMV as ggml runs it, for a side-by-side ratio on any machine: the per-block
// instruction sequence of ggml's wasm Q8_0 x Q8_0 vec_dot (four 16-byte loads, eight widenings, four
// i32x4.dot_i16x8_s, a float multiply-add with d_x * d_y), one row at a time, fp16 scales through a
// 64 Ki-entry float table. Written here from that description, not from ggml's source. Against a
// clang 14 -O3 -msimd128 build of the same sequence on the anchor machine it ran at the same speed
// (1.00x, same bits), so bench/gemv-memory.js can hold qsimd against it in one process where the
// machine's speed drifts between runs. Q8_0 only: it is the type whose margin over ggml is thinnest.

const TABLE = memory.data(65536 * 4, 16);

/** Fills the fp16 -> f32 table; call once. */
export function init(): void {
  for (let h = 0; h < 65536; h++) {
    const e = (h >> 10) & 31, m = h & 1023, s = <u32>(h & 0x8000) << 16;
    let f: f32;
    if (e == 0) f = <f32>m * <f32>5.9604644775390625e-8; // m * 2^-24, exact
    else if (e == 31) f = reinterpret<f32>(s | 0x7f800000 | (<u32>m << 13));
    else f = reinterpret<f32>(s | ((<u32>e + 112) << 23) | (<u32>m << 13));
    store<f32>(TABLE + (<usize>h << 2), e == 0 && (h & 0x8000) ? -f : f);
  }
}

// @ts-ignore: decorator
@inline function half(p: usize): f32 {
  return load<f32>(TABLE + (<usize>load<u16>(p) << 2));
}

// @ts-ignore: decorator
@inline function dot16(x: v128, y: v128): v128 {
  return i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x), i16x8.extend_low_i8x16_s(y)),
    i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x), i16x8.extend_high_i8x16_s(y)));
}

// @ts-ignore: decorator
@inline function total(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** y[r] = row r of a Q8_0 matrix (GGUF blocks, 34 bytes) . a Q8_0 activation, for r < rows. */
export function gemvQ8_0(w: usize, rows: i32, n: i32, a: usize, y: usize): void {
  const nb = n >> 5;
  for (let r = 0; r < rows; r++) {
    let x = w + <usize>r * <usize>nb * 34, q = a;
    let sum = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      const s = i32x4.add(dot16(v128.load(x, 2), v128.load(q, 2)), dot16(v128.load(x, 18), v128.load(q, 18)));
      sum = f32x4.add(sum, f32x4.mul(f32x4.convert_i32x4_s(s), f32x4.splat(half(x) * half(q))));
      x += 34;
      q += 34;
    }
    store<f32>(y + (<usize>r << 2), total(sum));
  }
}
