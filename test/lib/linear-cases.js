// Random linear-quantization cases: shapes, axes, granularities, scales and adversarial values.
import * as onnx from "./onnx.js";

export const LINEAR_TYPES = ["int8", "uint8", "int16", "uint16", "int4", "uint4"];

/** Values that probe rounding, saturation and specials for a given scale and zero point. */
function nastyValue(r, s, z, [lo, hi]) {
  switch (r.u32() % 10) {
    case 0: return (r.int(lo - z - 3, hi - z + 3) + 0.5) * s; // exact ties, around the edges too
    case 1: return (r.int(lo - z, hi - z)) * s;
    case 2: return [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 3e38, -3e38][r.u32() % 9];
    case 3: return (hi - z + 0.5) * s; // the saturation edge
    case 4: return (lo - z - 0.5) * s;
    default: return (r.float() * 2 - 1) * (hi - lo) * s * 0.6;
  }
}

export function randomLinearCase(r, type) {
  const range = onnx.RANGES[type];
  const rank = r.int(1, 4);
  const shape = Array.from({ length: rank }, () => r.int(1, rank > 2 ? 9 : 40));
  const count = shape.reduce((p, d) => p * d, 1);
  const granularity = ["tensor", "axis", "block"][r.u32() % 3];
  const axis = r.int(-rank, rank - 1);
  const a = axis < 0 ? axis + rank : axis;
  const blockSize = granularity === "block" ? r.int(1, shape[a] + 2) : undefined;
  const index = onnx.scaleIndex(shape, axis, blockSize, granularity === "tensor");
  const scaleCount = granularity === "tensor" ? 1 : granularity === "axis" ? shape[a] : count / shape[a] * Math.ceil(shape[a] / blockSize);
  const scales = Float32Array.from({ length: scaleCount }, () =>
    [1e-38, 1e-40, 3e-3, 0.1, 1, 7.5, 1e3][r.u32() % 7] * (1 + r.float()));
  const zeroPoints = Array.from({ length: scaleCount }, () => r.int(...range));
  const x = Float32Array.from({ length: count }, (_, i) => nastyValue(r, scales[index[i]], zeroPoints[index[i]], range));
  const options = { type, shape, scale: granularity === "tensor" && r.u32() % 2 ? scales[0] : scales, zeroPoint: zeroPoints };
  if (granularity !== "tensor") options.axis = axis;
  if (blockSize) options.blockSize = blockSize;
  return { x, options, scales, zeroPoints, index, what: `${type} ${granularity} shape [${shape}] axis ${axis} block ${blockSize}` };
}

