// Plain-JavaScript reference conversions, written from IEEE 754 (binary16, and bfloat16 as the top
// half of binary32) with exact double arithmetic. NaN encodings follow ggml's convention (quiet NaN
// 0x7e00 with sign for half; top payload with the quiet bit set for bfloat16; half NaN -> float32
// with the quiet bit set), since GGUF files are written that way.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function valueOfBits(bits) {
  u32[0] = bits;
  return f32[0];
}

function bitsOfValue(x) {
  f32[0] = x;
  return u32[0];
}

function roundHalfEven(v) {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}

function exponentOf(a) {
  let e = Math.floor(Math.log2(a));
  while (2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  return e;
}

export function f16FromF32Bits(bits) {
  const sign = bits >>> 31 ? 0x8000 : 0;
  if ((bits & 0x7fffffff) > 0x7f800000) return sign | 0x7e00;
  const a = Math.abs(valueOfBits(bits));
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | roundHalfEven(a / 2 ** -24); // 1024 is exactly the smallest normal
  let e = exponentOf(a);
  let m = roundHalfEven(a / 2 ** (e - 10));
  if (m === 2048) {
    m = 1024;
    e++;
  }
  return sign | ((e + 15) << 10) | (m - 1024);
}

export function f32BitsFromF16(h) {
  const sign = h & 0x8000 ? 0x80000000 : 0;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 31) return (sign | 0x7f800000 | (m << 13) | (m ? 0x400000 : 0)) >>> 0;
  const value = e === 0 ? m * 2 ** -24 : (1024 + m) * 2 ** (e - 25);
  return (sign | bitsOfValue(value)) >>> 0;
}

export function bf16FromF32Bits(bits) {
  if ((bits & 0x7fffffff) > 0x7f800000) return (bits >>> 16) | 0x40;
  const sign = bits >>> 31 ? 0x8000 : 0;
  const a = Math.abs(valueOfBits(bits));
  if (a === Infinity) return sign | 0x7f80;
  const step = a < 2 ** -126 ? 2 ** -133 : 2 ** (exponentOf(a) - 7);
  const rounded = roundHalfEven(a / step) * step;
  if (rounded >= 2 ** 128) return sign | 0x7f80;
  return sign | (bitsOfValue(rounded) >>> 16);
}

export function dotI8(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

export function mapBits(input, fn, Out) {
  const inBits = new (input.BYTES_PER_ELEMENT === 4 ? Uint32Array : Uint16Array)(input.buffer, input.byteOffset, input.length);
  const out = new Out(input.length);
  const outBits = new (Out.BYTES_PER_ELEMENT === 4 ? Uint32Array : Uint16Array)(out.buffer);
  for (let i = 0; i < inBits.length; i++) outBits[i] = fn(inBits[i]);
  return out;
}
