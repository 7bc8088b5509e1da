// Seeded PRNG (xorshift32) so a failing random case can be replayed.
export function rng(seed) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return {
    u32: next,
    int: (lo, hi) => lo + (next() % (hi - lo + 1)),
    float: () => next() / 2 ** 32,
  };
}

export function randomInt8(r, n) {
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) out[i] = r.u32();
  return out;
}

/** Float32 bit patterns that stress conversions: random bits, ties, specials, every magnitude. */
export function nastyFloats(r, n) {
  const bits = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    switch (r.u32() % 6) {
      case 0: bits[i] = r.u32(); break; // anything, NaNs with payloads included
      case 1: bits[i] = (r.u32() & 0x80000000) | ((r.int(96, 145) << 23) + (r.u32() & 0x7fffff)); break; // around f16's range
      case 2: bits[i] = (r.u32() & 0x80000000) | (r.int(100, 145) << 23) | ((r.u32() & 0x3ff) << 13) | 0x1000; break; // exact f16 ties
      case 3: bits[i] = (r.u32() & 0x80000000) | (r.u32() & 0x7fff0000) | 0x8000; break; // exact bf16 ties
      case 4: bits[i] = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0x477fe000, 0x477ff000, 0x33000000, 0x1, 0x7f7fffff][r.u32() % 11]; break;
      default: bits[i] = (r.u32() & 0x80000000) | (r.u32() & 0x7fffff); break; // f32 subnormals
    }
  }
  return new Float32Array(bits.buffer);
}
