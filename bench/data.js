// Deterministic benchmark data (an LCG), the same in every runtime and for every peer.

export function bytes(n, seed) {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** Floats in about [-8, 8], with fractional parts. */
export function floats(n, seed) {
  const u = bytes(n * 2, seed);
  return Float32Array.from({ length: n }, (_, i) => (u[2 * i] - 128) / 16 + u[2 * i + 1] / 4096);
}

/** One scale per row or column of a 4096-wide matrix. */
export function axisScales() {
  return Float32Array.from({ length: 4096 }, (_, i) => 0.05 + (i % 7) * 0.01);
}
