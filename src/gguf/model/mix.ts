// Which type each tensor of a model gets when it is quantized to a llama.cpp file type (Q4_K_M,
// IQ2_XS, ...): the same choices llama-quantize makes (llama.cpp's src/llama-quant.cpp, late 2026):
// norms and small tensors kept, attention V / FFN down / output given more bits on some layers,
// and fallbacks for rows that do not divide a type's block size.
import { QsimdError } from "../../errors.js";
import type { GgufTensorInfo } from "../file/header.js";
import type { GgufValue } from "../file/values.js";
import { ggufType } from "../types.js";

/** llama.cpp's file types (llama_ftype): name, id, the tensor type most tensors get. */
export const FILE_TYPES: readonly { name: string; id: number; base: string }[] = [
  ["F32", 0, "F32"], ["F16", 1, "F16"], ["Q4_0", 2, "Q4_0"], ["Q4_1", 3, "Q4_1"], ["Q8_0", 7, "Q8_0"], ["Q5_0", 8, "Q5_0"],
  ["Q5_1", 9, "Q5_1"], ["Q2_K", 10, "Q2_K"], ["Q3_K_S", 11, "Q3_K"], ["Q3_K_M", 12, "Q3_K"], ["Q3_K_L", 13, "Q3_K"],
  ["Q4_K_S", 14, "Q4_K"], ["Q4_K_M", 15, "Q4_K"], ["Q5_K_S", 16, "Q5_K"], ["Q5_K_M", 17, "Q5_K"], ["Q6_K", 18, "Q6_K"],
  ["IQ2_XXS", 19, "IQ2_XXS"], ["IQ2_XS", 20, "IQ2_XS"], ["Q2_K_S", 21, "Q2_K"], ["IQ3_XS", 22, "IQ3_S"], ["IQ3_XXS", 23, "IQ3_XXS"],
  ["IQ1_S", 24, "IQ1_S"], ["IQ4_NL", 25, "IQ4_NL"], ["IQ3_S", 26, "IQ3_S"], ["IQ3_M", 27, "IQ3_S"], ["IQ2_S", 28, "IQ2_XS"],
  ["IQ2_M", 29, "IQ2_S"], ["IQ4_XS", 30, "IQ4_XS"], ["IQ1_M", 31, "IQ1_M"], ["BF16", 32, "BF16"], ["TQ1_0", 36, "TQ1_0"],
  ["TQ2_0", 37, "TQ2_0"], ["MXFP4_MOE", 38, "MXFP4"], ["NVFP4", 39, "NVFP4"], ["Q1_0", 40, "Q1_0"], ["Q2_0", 41, "Q2_0"],
].map(([name, id, base]) => ({ name: name as string, id: id as number, base: base as string }));
/** llama-quantize's short names for the medium mixes. */
const ALIASES: Record<string, string> = { Q3_K: "Q3_K_M", Q4_K: "Q4_K_M", Q5_K: "Q5_K_M" };

export interface MixOptions {
  /** A llama.cpp file type (Q4_K_M, IQ4_XS, ...) or any tensor type qsimd quantizes (used for every tensor). */
  type: string;
  /** Every quantized tensor gets the base type: no mix. */
  pure?: boolean;
  /** Overrides by tensor name: the first pattern that matches (a RegExp or regex source) wins. */
  tensorTypes?: readonly (readonly [string | RegExp, string])[];
  outputTensorType?: string;
  tokenEmbeddingType?: string;
  /** Keep output.weight as it is. */
  leaveOutputTensor?: boolean;
  /** Whether an importance matrix will be given (some mixes choose differently with one). */
  imatrix?: boolean;
}

export interface TensorPlan {
  name: string;
  shape: number[];
  from: string;
  to: string;
  /** Why the type differs from what the mix asked for, when a row length forced a fallback. */
  fallback?: string;
  /** llama.cpp refuses to quantize this tensor without an importance matrix. */
  needsImatrix: boolean;
}

export interface QuantizationPlan {
  /** general.file_type to write; undefined when the type is not a llama.cpp file type. */
  fileType: number | undefined;
  tensors: TensorPlan[];
}

type Category = "token_embd" | "attn_q" | "attn_v" | "attn_k" | "attn_qkv" | "attn_kv_b" | "attn_output" | "ffn_up" | "ffn_gate" | "ffn_down" | "output" | "other";

function categoryOf(name: string): Category {
  if (name === "output.weight") return "output";
  if (name === "token_embd.weight" || name === "per_layer_token_embd.weight") return "token_embd";
  const found = (["attn_qkv", "attn_kv_b", "attn_v", "attn_k", "attn_q", "attn_output"] as const).find((c) => name.includes(`${c}.weight`));
  if (found) return found;
  return (["ffn_up", "ffn_gate", "ffn_down"] as const).find((c) => name.includes(c)) ?? "other";
}
const isAttnV = (c: Category) => c === "attn_v" || c === "attn_qkv" || c === "attn_kv_b";

// Names llama.cpp never quantizes (small, or precision-critical).
const KEEP = [
  "_norm.weight", "ffn_gate_inp.weight", "ffn_gate_tid2eid.weight", "altup", "laurel", "per_layer_model_proj", "ssm_conv1d",
  "shortconv.conv.weight", "indexer.k_proj.weight", "indexer.q_proj.weight", "attn_rel_b.weight", ".position_embd", "sam.pos_embd",
  "sam.neck.", "sam.net_", ".rel_pos", ".patch_embd", ".patch_merger", "a.rvq.codebook", "mm.a.code_embd",
  ...["first", "w0", "w1", "w2", "v0", "v1", "v2", "a0", "a1", "a2", "g1", "g2", "decay_w1", "decay_w2", "lerp_fused"].map((s) => `time_mix_${s}.weight`),
];

function nDims(shape: readonly number[]): number {
  for (let i = shape.length - 1; i >= 1; i--) if (shape[i] > 1) return i + 1;
  return 1;
}

function allowsQuantization(t: GgufTensorInfo, leaveOutput: boolean): boolean {
  const n = t.name;
  if (nDims(t.shape) < 2 || !n.endsWith("weight")) return false;
  if (leaveOutput && n === "output.weight") return false;
  if (n === "position_embd.weight" || n === "token_types.weight") return false;
  return !KEEP.some((k) => n.includes(k));
}

// Types of block size 256 that fall back to a 32-block type, and the rest.
const FALLBACK: Record<string, string> = {
  IQ1_S: "IQ4_NL", IQ1_M: "IQ4_NL", IQ2_XXS: "IQ4_NL", IQ2_XS: "IQ4_NL", IQ2_S: "IQ4_NL", IQ3_XXS: "IQ4_NL", IQ3_S: "IQ4_NL", IQ4_XS: "IQ4_NL",
  Q2_0: "Q4_0", Q2_K: "Q4_0", Q3_K: "Q4_0", TQ1_0: "Q4_0", TQ2_0: "Q4_0", Q4_K: "Q5_0", Q5_K: "Q5_1", Q6_K: "Q8_0",
};
const NEEDS_IMATRIX = new Set(["IQ3_XXS", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ1_M", "IQ1_S"]);

function typeName(type: string, what: string): string {
  const t = ggufType(type);
  if (t.name === "Q8_1" || t.name === "Q8_K") throw new QsimdError("INVALID_ARGUMENT", `${what}: ${t.name} is an activation format, not a tensor type`);
  return t.name;
}

/** The file type a --type name means: a llama.cpp file type, or a tensor type used alone. */
export function resolveFileType(type: string): { fileType: number | undefined; base: string; name: string } {
  const upper = String(type).toUpperCase();
  const named = FILE_TYPES.find((f) => f.name === (ALIASES[upper] ?? upper));
  if (named) return { fileType: named.id, base: named.base, name: named.name };
  let base;
  try {
    base = typeName(upper, "--type");
  } catch (error) {
    if ((error as QsimdError).code !== "UNKNOWN_TYPE") throw error;
    throw new QsimdError("UNKNOWN_TYPE", `${JSON.stringify(type)} is neither a llama.cpp file type (${FILE_TYPES.map((f) => f.name).join(", ")}) nor a GGUF tensor type`);
  }
  return { fileType: undefined, base, name: base };
}

/** What llama-quantize would do with each tensor of a model for `options.type`. */
export function planQuantization(model: { metadata: Record<string, GgufValue>; tensors: readonly GgufTensorInfo[] }, options: MixOptions): QuantizationPlan {
  const { fileType, base, name: ftype } = resolveFileType(options.type);
  const pure = options.pure || fileType === undefined;
  const meta = model.metadata;
  const arch = String(meta["general.architecture"] ?? "");
  const num = (key: string, fallback: number) => {
    const v = meta[`${arch}.${key}`];
    const first = ArrayBuffer.isView(v) || Array.isArray(v) ? (v as ArrayLike<number>)[0] : v;
    return typeof first === "number" ? first : typeof first === "bigint" ? Number(first) : fallback;
  };
  const nLayer = num("block_count", 0);
  const nHead = num("attention.head_count", 0);
  const nHeadKv = num("attention.head_count_kv", nHead);
  const nExpert = num("expert_count", 0);
  const nGqa = nHeadKv > 0 ? Math.floor(nHead / nHeadKv) : 0;
  const is70B = arch === "llama" && nLayer === 80 && nHead !== nHeadKv;
  const falcon = arch === "falcon";
  const overrides = (options.tensorTypes ?? []).map(([p, t]) => [typeof p === "string" ? new RegExp(p) : p, typeName(t, `--tensor-type ${p}`)] as const);
  const outputType = options.outputTensorType && typeName(options.outputTensorType, "--output-tensor-type");
  const embdType = options.tokenEmbeddingType && typeName(options.tokenEmbeddingType, "--token-embedding-type");
  const hasImatrix = !!options.imatrix;
  const tied = !model.tensors.some((t) => t.name === "output.weight");

  let nAttnV = 0;
  for (const t of model.tensors) if (isAttnV(categoryOf(t.name))) nAttnV++;
  const count = { attnV: 0, ffnDown: 0, ffnGate: 0, ffnUp: 0 };
  const moreBits = (i: number, n: number) => i < Math.floor(n / 8) || i >= Math.floor((7 * n) / 8) || (i - Math.floor(n / 8)) % 3 === 2;
  const layerOf = (name: string, i: number): [number, number] => {
    if (nExpert <= 1) return [i, nLayer];
    const m = /^blk\.(\d+)\./.exec(name);
    if (!m || Number(m[1]) >= nLayer) throw new QsimdError("INVALID_ARGUMENT", `cannot tell the layer of ${name} (expert model with ${nLayer} layers)`);
    return [Number(m[1]), nLayer];
  };
  const is = (...names: string[]) => names.includes(ftype);
  const veryLow = is("IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M");

  // llama_tensor_get_type_impl: the mix's choice for one tensor.
  const mix = (t: GgufTensorInfo, c: Category, type: string): string => {
    if (c === "output" || (tied && c === "token_embd")) {
      if (outputType) return outputType;
      if (is("MXFP4_MOE") || falcon || t.shape[0] % ggufType(type).blockSize !== 0) return "Q8_0";
      if (is("IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M")) return "Q5_K";
      return type !== "Q8_0" ? "Q6_K" : type;
    }
    if (is("MXFP4_MOE")) return (t.shape[2] ?? 1) > 1 ? "MXFP4" : "Q8_0";
    if (c === "token_embd") {
      if (embdType) return embdType;
      if (is("IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ1_M")) return "Q2_K";
      if (is("IQ2_S", "IQ2_M", "IQ3_XXS")) return "IQ3_S";
      if (is("TQ1_0", "TQ2_0", "Q2_0")) return "Q4_K";
      return type;
    }
    if (veryLow) {
      const s = is("IQ2_S", "IQ2_M");
      if (isAttnV(c)) {
        count.attnV++;
        return nGqa >= 4 || nExpert >= 4 ? "Q4_K" : s ? "IQ3_S" : "Q2_K";
      }
      if (nExpert === 8 && c === "attn_k") return "Q4_K";
      if (c === "ffn_down") return count.ffnDown++ < Math.floor(nLayer / 8) ? (s ? "IQ3_S" : "Q2_K") : type;
      if (c === "attn_output") {
        if (nExpert === 8) return "Q5_K";
        if (is("IQ1_S", "IQ1_M")) return "IQ2_XXS";
        if (s) return "IQ3_S";
      }
      return type;
    }
    if (isAttnV(c)) {
      let to = type;
      if (is("Q2_K")) to = nGqa >= 4 ? "Q4_K" : "Q3_K";
      else if (is("Q2_K_S") && nGqa >= 4) to = "Q4_K";
      else if (is("IQ3_XXS")) to = nGqa >= 4 ? "Q4_K" : !hasImatrix ? "IQ3_S" : "IQ3_XXS";
      else if (is("IQ3_XS", "IQ3_S") && nGqa >= 4) to = "Q4_K";
      else if (is("IQ3_M")) to = "Q4_K";
      else if (is("Q3_K_M")) to = count.attnV < 2 ? "Q5_K" : "Q4_K";
      else if (is("Q3_K_L")) to = "Q5_K";
      else if (is("IQ4_NL", "IQ4_XS") && nGqa >= 4) to = "Q5_K";
      else if (is("Q4_K_M", "Q5_K_M") && moreBits(count.attnV, nAttnV)) to = "Q6_K";
      else if (is("Q4_K_S") && count.attnV < 4) to = "Q5_K";
      if (is70B && (to === "Q3_K" || to === "Q4_K")) to = "Q5_K";
      if (nExpert === 8) to = "Q8_0";
      count.attnV++;
      return to;
    }
    if (c === "attn_k") {
      if (nExpert === 8) return "Q8_0";
      if (is("IQ3_XS")) return "IQ3_XXS";
      if (is("IQ3_XXS")) return "IQ2_S";
      return type;
    }
    if (c === "attn_q") return is("IQ3_XS") ? "IQ3_XXS" : is("IQ3_XXS") ? "IQ2_S" : type;
    if (c === "ffn_down") {
      const [i, n] = layerOf(t.name, count.ffnDown++);
      const eighth = i < Math.floor(n / 8);
      if (is("Q2_K")) return "Q3_K";
      if (is("Q2_K_S")) return eighth ? "Q4_K" : type;
      if (is("IQ3_XXS") && !hasImatrix) return eighth ? "Q4_K" : "Q3_K";
      if (is("Q3_K_M")) return i < Math.floor(n / 16) ? "Q5_K" : !falcon || moreBits(i, n) ? "Q4_K" : "Q3_K";
      if (is("IQ3_M") && (eighth || (nExpert === 8 && moreBits(i, n)))) return "Q4_K";
      if (is("Q3_K_L")) return falcon ? "Q4_K" : "Q5_K";
      if (is("Q4_K_M")) return falcon ? (i < Math.floor(n / 16) ? "Q6_K" : moreBits(i, n) ? "Q5_K" : "Q4_K") : moreBits(i, n) ? "Q6_K" : type;
      if (eighth && is("IQ4_NL", "IQ4_XS") && !hasImatrix) return "Q5_K";
      if (is("Q5_K_M") && moreBits(i, n)) return "Q6_K";
      if (is("Q4_K_S") && !falcon && eighth) return "Q5_K";
      if (is("Q4_0", "Q5_0") && hasImatrix && eighth) return is("Q4_0") ? "Q4_1" : "Q5_1";
      return type;
    }
    if (c === "attn_output") {
      if (falcon) return is("Q3_K_L") ? "Q4_K" : type;
      if (nExpert === 8) return is("Q2_K", "IQ3_XS", "IQ3_XXS", "Q3_K_S", "Q3_K_M", "IQ4_NL", "Q4_K_S", "Q4_K_M", "IQ3_S", "IQ3_M", "IQ4_XS") ? "Q5_K" : type;
      return is("Q2_K") ? "Q3_K" : is("IQ3_XXS") ? "IQ3_S" : is("Q3_K_M", "IQ3_M") ? "Q4_K" : is("Q3_K_L") ? "Q5_K" : type;
    }
    if (c === "ffn_gate" || c === "ffn_up") {
      const [i, n] = layerOf(t.name, c === "ffn_gate" ? count.ffnGate++ : count.ffnUp++);
      return is("IQ3_XS") && i >= Math.floor(n / 8) && i < Math.floor((7 * n) / 8) ? "IQ3_XXS" : type;
    }
    return type;
  };

  const tensors = model.tensors.map((t): TensorPlan => {
    const c = categoryOf(t.name);
    const plan = (to: string, fallback?: string): TensorPlan => ({
      name: t.name, shape: t.shape, from: t.type, to, ...(fallback ? { fallback } : {}),
      needsImatrix: to !== t.type && c !== "token_embd" && c !== "output" && (NEEDS_IMATRIX.has(to) || (to === "Q2_K" && ftype === "Q2_K_S")),
    });
    if (!allowsQuantization(t, !!options.leaveOutputTensor)) return plan(t.type);
    if (embdType && c === "token_embd") return plan(embdType);
    if (outputType && c === "output") return plan(outputType);
    let to = base;
    if (ggufType(base).blockSize > 1) {
      const manual = overrides.find(([p]) => p.test(t.name));
      if (manual) to = manual[1];
      else if (!pure) to = mix(t, c, to);
      // tensor_type_fallback: rows must hold whole blocks.
      const wanted = to;
      if (t.shape[0] % ggufType(to).blockSize !== 0) {
        // llama.cpp stops on 32-value types; qsimd keeps going with F16, as it does for types whose fallback fails.
        const next = FALLBACK[to];
        to = next && t.shape[0] % ggufType(next).blockSize === 0 ? next : "F16";
        return plan(to, `rows of ${t.shape[0]} are not whole ${wanted} blocks of ${ggufType(wanted).blockSize}`);
      }
    }
    return plan(to);
  });
  return { fileType, tensors };
}
