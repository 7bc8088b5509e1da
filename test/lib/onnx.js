// A plain-JavaScript oracle for ONNX QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear and
// MatMulInteger, written from the operator specifications, element by element, with no layout
// shortcuts: each element's scale is found from its coordinates.

const f = Math.fround;
export const RANGES = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535], int4: [-8, 7], uint4: [0, 15],
};

export function roundHalfEven(v) {
  const fl = Math.floor(v);
  const d = v - fl;
  return d > 0.5 || (d === 0.5 && fl % 2 !== 0) ? fl + 1 : fl;
}

/** For each element, the index of its scale: per tensor, per axis, or blocked along the axis. */
export function scaleIndex(shape, axis, blockSize, perTensor) {
  const count = shape.reduce((p, d) => p * d, 1);
  const index = new Int32Array(count);
  if (perTensor) return index;
  const rank = shape.length;
  const a = axis < 0 ? axis + rank : axis;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  // The scale tensor's shape: the input's, with the axis dimension replaced by the block count.
  const scaleShape = shape.slice();
  if (blockSize) scaleShape[a] = Math.ceil(shape[a] / blockSize);
  const scaleStrides = scaleShape.map((_, i) => scaleShape.slice(i + 1).reduce((p, d) => p * d, 1));
  for (let i = 0; i < count; i++) {
    const coords = strides.map((s, d) => Math.floor(i / s) % shape[d]);
    if (!blockSize) index[i] = coords[a];
    else {
      coords[a] = Math.floor(coords[a] / blockSize);
      index[i] = coords.reduce((sum, c, d) => sum + c * scaleStrides[d], 0);
    }
  }
  return index;
}

/** Quantized codes (unpacked, as numbers). */
export function quantizeLinear(x, type, scales, zeroPoints, index) {
  const [lo, hi] = RANGES[type];
  return Array.from(x, (v, i) => {
    if (Number.isNaN(v)) return 0;
    const s = scales[index[i]];
    const z = zeroPoints[index[i]] ?? 0;
    const r = roundHalfEven(f(v / s)); // float32 division: the double quotient rounded to float32
    return Math.min(Math.max(r + z, lo), hi);
  });
}

export function dequantizeLinear(codes, scales, zeroPoints, index) {
  return Float32Array.from(codes, (q, i) => f((q - (zeroPoints[index[i]] ?? 0)) * scales[index[i]]));
}

/** Two codes per byte, first in the low nibble. */
export function packNibbles(codes) {
  const out = new Uint8Array(Math.ceil(codes.length / 2));
  codes.forEach((c, i) => (out[i >> 1] |= (c & 0xf) << ((i & 1) * 4)));
  return out;
}

/** DynamicQuantizeLinear, following the specification's formulas in float32. */
export function dynamicQuantizeLinear(x) {
  let min = 0;
  let max = 0;
  for (const v of x) {
    if (!Number.isFinite(v)) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  let scale = f(f(max - min) / 255);
  let zeroPoint;
  if (scale === 0) {
    scale = 1;
    zeroPoint = 0;
  } else {
    zeroPoint = roundHalfEven(Math.min(Math.max(f(0 - f(min / scale)), 0), 255));
  }
  const data = Uint8Array.from(quantizeLinear(x, "uint8", [scale], [zeroPoint], new Int32Array(x.length)));
  return { data, scale, zeroPoint };
}

/** MatMulInteger: int32 sums with wrap-around; zero points per tensor, per row of a, per column of b. */
export function matmulInteger(a, b, m, k, n, aZp = [0], bZp = [0]) {
  const y = new Int32Array(m * n);
  for (let i = 0; i < m; i++) {
    const za = aZp.length === 1 ? aZp[0] : aZp[i];
    for (let j = 0; j < n; j++) {
      const zb = bZp.length === 1 ? bZp[0] : bZp[j];
      let sum = 0;
      for (let t = 0; t < k; t++) sum = (sum + (a[i * k + t] - za) * (b[t * n + j] - zb)) | 0;
      y[i * n + j] = sum;
    }
  }
  return y;
}

/** gemmlowp / TFLite fixed-point requantization of one int32 value, from the convention's definition. */
export function requantize(acc, multiplier, shift, outZp, lo, hi) {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  const x = (acc << left) | 0; // int32 wrap-around, as the reference's int32 arithmetic
  let high;
  if (x === -2147483648 && multiplier === -2147483648) high = 2147483647;
  else {
    const ab = BigInt(x) * BigInt(multiplier);
    const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
    high = Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, like C
  }
  let v = high;
  if (right > 0) {
    const mask = (1 << right) - 1;
    const remainder = high & mask;
    const threshold = (mask >> 1) + (high < 0 ? 1 : 0);
    v = (high >> right) + (remainder > threshold ? 1 : 0);
  }
  return Math.min(Math.max(v + outZp, lo), hi);
}
