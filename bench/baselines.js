// What a user would write by hand in plain JavaScript, for the ratios.

/** y[j] = sum_t (a[t] - za) * B[t, j]: row-major B walked row by row (the cache-friendly way). */
export function gemvJs(a, za, b, k, n, y) {
  y.fill(0);
  for (let t = 0; t < k; t++) {
    const av = a[t] - za;
    const row = t * n;
    for (let j = 0; j < n; j++) y[j] += av * b[row + j];
  }
  return y;
}

export function dotJs(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Per-axis int8 quantization of a [rows, cols] matrix along `axis`. */
export function quantizePerAxisJs(x, rows, cols, axis, scales, out) {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = scales[axis === 0 ? r : c];
      const v = Math.round(x[r * cols + c] / s);
      out[r * cols + c] = v < -128 ? -128 : v > 127 ? 127 : v;
    }
  }
  return out;
}
