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
