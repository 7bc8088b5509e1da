// A model quantized (or dequantized) tensor by tensor: the plan says each tensor's type, and the
// write spec makes each tensor's bytes only when the writer reaches it, so memory stays bounded by
// the largest tensor.
import { QsimdError } from "../../errors.js";
import type { Qsimd } from "../../instance.js";
import type { GgufTensorInfo } from "../file/header.js";
import type { GgufFile } from "../file/read.js";
import type { GgufValue, GgufValueType } from "../file/values.js";
import type { GgufTensorSpec, GgufWriteSpec } from "../file/write.js";
import { ggufType } from "../types.js";
import type { Imatrix } from "./imatrix.js";
import { type MixOptions, planQuantization, type QuantizationPlan, type TensorPlan } from "./mix.js";

export interface QuantizeModelOptions extends MixOptions {
  /** Importance weights (see readImatrix); `imatrixFile` names it in the output's metadata. */
  importance?: Imatrix;
  imatrixFile?: string;
  /** Requantize tensors that are already quantized (llama-quantize's --allow-requantize). */
  allowRequantize?: boolean;
}

const QUANTIZATION_VERSION = 2; // ggml's GGML_QNT_VERSION

/** A tensor's values as float32, whatever its type (quantized ones dequantized as one flat run). */
export async function tensorValues(q: Qsimd, file: GgufFile, t: GgufTensorInfo): Promise<Float32Array> {
  const bytes = await file.read(t);
  const count = t.shape.reduce((p, d) => p * d, 1);
  if (t.type === "F32") return new Float32Array(bytes.byteOffset % 4 ? bytes.slice().buffer : bytes.buffer, bytes.byteOffset % 4 ? 0 : bytes.byteOffset, count);
  return q.dequantize(t.type, bytes, count) as Float32Array;
}

/** The importance weights for a tensor, checked against its shape. */
export function weightsFor(plan: TensorPlan, importance: Imatrix | undefined): Float32Array | undefined {
  const weights = importance?.entries.get(plan.name);
  if (!weights) return undefined;
  const experts = plan.shape[2] ?? 1;
  if (weights.length !== plan.shape[0] * experts) {
    // llama-quantize ignores a mismatched token embedding and stops on any other tensor.
    if (plan.name === "token_embd.weight") return undefined;
    throw new QsimdError("LENGTH_MISMATCH", `the imatrix entry for ${plan.name} holds ${weights.length} weights; the tensor takes ${plan.shape[0] * experts}`);
  }
  return weights;
}

/** `x` as the plan's type: row by row, each expert (3-D tensors) with its own importance weights. */
export function quantizeTensor(q: Qsimd, plan: TensorPlan, x: Float32Array, weights: Float32Array | undefined): Uint8Array {
  const type = ggufType(plan.to);
  const rowLength = plan.shape[0];
  const experts = plan.shape[2] ?? 1;
  if (!weights || experts === 1) return q.quantize(type.name, x, { rowLength, imatrix: weights });
  const per = x.length / experts;
  const out = new Uint8Array((x.length / type.blockSize) * type.blockBytes);
  for (let e = 0; e < experts; e++) {
    const part = q.quantize(type.name, x.subarray(e * per, (e + 1) * per), { rowLength, imatrix: weights.subarray(e * rowLength, (e + 1) * rowLength) });
    out.set(part, (e * per / type.blockSize) * type.blockBytes);
  }
  return out;
}

/** The plan for `file` and the spec to write the quantized model with (writeGguf / writeGgufStream). */
export function quantizeModel(q: Qsimd, file: GgufFile, options: QuantizeModelOptions): { plan: QuantizationPlan; spec: GgufWriteSpec } {
  const plan = planQuantization(file, { ...options, imatrix: options.imatrix ?? !!options.importance });
  for (const t of plan.tensors) {
    if (t.to === t.from) continue;
    if (ggufType(t.from).blockSize > 1 && !options.allowRequantize) {
      throw new QsimdError("INVALID_ARGUMENT", `${t.name} is already ${t.from}; requantizing loses accuracy, so it needs allowRequantize (--allow-requantize)`);
    }
    if (t.needsImatrix && !weightsFor(t, options.importance)) {
      throw new QsimdError("INVALID_ARGUMENT", `${t.name} would be ${t.to}, which needs an importance matrix (--imatrix): without one the result is garbage, so llama.cpp refuses it too`);
    }
  }
  const metadata: Record<string, GgufValue> = { ...file.metadata };
  const types: Record<string, GgufValueType> = { ...file.types };
  for (const key of ["split.no", "split.count", "split.tensors.count"]) delete metadata[key], delete types[key];
  const set = (key: string, value: GgufValue, type: GgufValueType) => ((metadata[key] = value), (types[key] = type));
  set("general.quantization_version", QUANTIZATION_VERSION, "uint32");
  if (plan.fileType !== undefined) set("general.file_type", plan.fileType, "uint32");
  else delete metadata["general.file_type"], delete types["general.file_type"];
  if (options.importance) {
    if (options.imatrixFile) set("quantize.imatrix.file", options.imatrixFile, "string");
    if (options.importance.datasets.length) set("quantize.imatrix.dataset", options.importance.datasets[0], "string");
    set("quantize.imatrix.entries_count", options.importance.entries.size, "uint32");
    set("quantize.imatrix.chunks_count", options.importance.chunks, "uint32");
  }
  return { plan, spec: specOf(q, file, plan, metadata, types, options.importance) };
}

// Tensors kept as they are are copied; the others are converted when the writer reaches them.
function specOf(q: Qsimd, file: GgufFile, plan: QuantizationPlan, metadata: Record<string, GgufValue>, types: Record<string, GgufValueType>, importance?: Imatrix): GgufWriteSpec {
  const tensors = plan.tensors.map((t): GgufTensorSpec => ({
    name: t.name,
    type: t.to,
    shape: t.shape,
    data: async () => {
      const info = file.tensor(t.name);
      if (t.to === t.from) return file.read(info);
      return quantizeTensor(q, t, await tensorValues(q, file, info), weightsFor(t, importance));
    },
  }));
  return { metadata, types, tensors, alignment: file.alignment };
}

/** Every quantized tensor (and float tensors of 2 or more dimensions) as `type`: F32, F16 or BF16. */
export function dequantizeModel(q: Qsimd, file: GgufFile, type: string): { plan: QuantizationPlan; spec: GgufWriteSpec } {
  const to = ggufType(type).name;
  const fileType = { F32: 0, F16: 1, BF16: 32 }[to];
  if (fileType === undefined) throw new QsimdError("INVALID_ARGUMENT", `dequantize writes F32, F16 or BF16, not ${to}`);
  const plan: QuantizationPlan = {
    fileType,
    tensors: file.tensors.map((t) => {
      const quantized = ggufType(t.type).blockSize > 1;
      const floats2d = ["F32", "F16", "BF16"].includes(t.type) && t.shape.filter((d) => d > 1).length > 1;
      return { name: t.name, shape: t.shape, from: t.type, to: quantized || floats2d ? to : t.type, needsImatrix: false };
    }),
  };
  const metadata: Record<string, GgufValue> = { ...file.metadata, "general.file_type": fileType };
  const types: Record<string, GgufValueType> = { ...file.types, "general.file_type": "uint32" };
  delete metadata["general.quantization_version"], delete types["general.quantization_version"];
  return { plan, spec: specOf(q, file, plan, metadata, types) };
}
