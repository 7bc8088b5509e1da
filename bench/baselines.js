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

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 -> half bits, round to nearest even, the way one writes it by hand with bit tricks. */
export function f32ToF16Js(x, out) {
  for (let i = 0; i < x.length; i++) {
    f32[0] = x[i];
    const bits = u32[0];
    const sign = (bits >>> 16) & 0x8000;
    const abs = bits & 0x7fffffff;
    let h;
    if (abs > 0x7f800000) h = 0x7e00;
    else if (abs >= 0x477ff000) h = 0x7c00;
    else if (abs >= 0x38800000) h = (abs - 0x38000000 + 0xfff + ((abs >>> 13) & 1)) >>> 13;
    else {
      f32[0] = Math.abs(x[i]) + 0.5;
      h = u32[0] - 0x3f000000;
    }
    out[i] = sign | h;
  }
  return out;
}

function f16(bits) {
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  const v = e === 0 ? m * 2 ** -24 : e === 31 ? (m ? NaN : Infinity) : (1024 + m) * 2 ** (e - 25);
  return bits & 0x8000 ? -v : v;
}

/** y = W x over GGUF Q8_0 / Q4_0 bytes, decoding each block on the fly, float activations. */
export function gemvGgufJs(type, bytes, rows, cols, x, y) {
  const blockBytes = type === "Q8_0" ? 34 : 18;
  const blocks = cols / 32;
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let b = 0; b < blocks; b++) {
      const at = (r * blocks + b) * blockBytes;
      const d = f16(bytes[at] | (bytes[at + 1] << 8));
      let s = 0;
      const xb = b * 32;
      if (type === "Q8_0") {
        for (let j = 0; j < 32; j++) s += ((bytes[at + 2 + j] << 24) >> 24) * x[xb + j];
      } else {
        for (let j = 0; j < 16; j++) {
          const q = bytes[at + 2 + j];
          s += ((q & 15) - 8) * x[xb + j] + ((q >> 4) - 8) * x[xb + 16 + j];
        }
      }
      sum += s * d;
    }
    y[r] = sum;
  }
  return y;
}
