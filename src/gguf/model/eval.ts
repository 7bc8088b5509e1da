// How much a model loses when quantized to a type: every tensor quantized as the mix says and
// dequantized again, compared with the original values.
import type { Qsimd } from "../../instance.js";
import type { GgufFile } from "../file/read.js";
import { ggufType } from "../types.js";
import { type QuantizeModelOptions, quantizeModel, quantizeTensor, tensorValues, weightsFor } from "./convert.js";

export interface ErrorStats {
  /** Values compared. */
  count: number;
  rmse: number;
  maxAbsError: number;
  cosine: number;
  /** Signal to noise: 10 log10(sum x^2 / sum (x - y)^2); Infinity when exact. */
  snrDb: number;
}

export interface TensorError extends ErrorStats {
  name: string;
  shape: number[];
  from: string;
  to: string;
  bytes: number;
  bitsPerWeight: number;
}

export interface ModelError {
  type: string;
  tensors: TensorError[];
  /** Over every tensor that changed type. */
  total: ErrorStats & { bytes: number; originalBytes: number; bitsPerWeight: number };
}

interface Sums { n: number; xx: number; yy: number; xy: number; ee: number; max: number }

function accumulate(s: Sums, x: Float32Array, y: Float32Array): void {
  let xx = 0, yy = 0, xy = 0, ee = 0, max = s.max;
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    const e = a - b;
    xx += a * a;
    yy += b * b;
    xy += a * b;
    ee += e * e;
    const m = Math.abs(e);
    if (m > max) max = m;
  }
  s.n += x.length;
  s.xx += xx;
  s.yy += yy;
  s.xy += xy;
  s.ee += ee;
  s.max = max;
}

function stats(s: Sums): ErrorStats {
  return {
    count: s.n,
    rmse: s.n ? Math.sqrt(s.ee / s.n) : 0,
    maxAbsError: s.max,
    cosine: s.xx && s.yy ? s.xy / Math.sqrt(s.xx * s.yy) : s.xx === s.yy ? 1 : 0,
    snrDb: s.ee ? 10 * Math.log10(s.xx / s.ee) : Infinity,
  };
}

const empty = (): Sums => ({ n: 0, xx: 0, yy: 0, xy: 0, ee: 0, max: 0 });

/** The error of quantizing `file` with `options` (the same choices `quantizeModel` makes), tensor by tensor. */
export async function evaluateModel(q: Qsimd, file: GgufFile, options: QuantizeModelOptions, onTensor?: (done: number, total: number) => void): Promise<ModelError> {
  const { plan } = quantizeModel(q, file, { ...options, allowRequantize: true });
  const total = empty();
  let bytes = 0;
  let originalBytes = 0;
  let elements = 0;
  const tensors: TensorError[] = [];
  for (const [i, t] of plan.tensors.entries()) {
    const info = file.tensor(t.name);
    const type = ggufType(t.to);
    const count = t.shape.reduce((p, d) => p * d, 1);
    const size = (count / type.blockSize) * type.blockBytes;
    bytes += size;
    originalBytes += info.byteLength;
    elements += count;
    const s = empty();
    if (t.to !== t.from) {
      const x = await tensorValues(q, file, info);
      const y = q.dequantize(t.to, quantizeTensor(q, t, x, weightsFor(t, options.importance)), count) as Float32Array;
      accumulate(s, x, y);
      accumulate(total, x, y);
    }
    tensors.push({ name: t.name, shape: t.shape, from: t.from, to: t.to, bytes: size, bitsPerWeight: (size * 8) / count, ...stats(s) });
    onTensor?.(i + 1, plan.tensors.length);
  }
  return { type: options.type, tensors, total: { ...stats(total), bytes, originalBytes, bitsPerWeight: elements ? (bytes * 8) / elements : 0 } };
}
