// qsimd quantize / dequantize / eval: whole models, tensor by tensor, with a progress bar.
import { readFile, writeFile } from "node:fs/promises";
import { load, readGguf } from "../entry/node.js";
import { QsimdError } from "../errors.js";
import type { Variant } from "../exports.js";
import type { GgufFile } from "../gguf/file/read.js";
import { ggufChunks, type GgufWriteSpec } from "../gguf/file/write.js";
import { dequantizeModel, type QuantizeModelOptions, quantizeModel } from "../gguf/model/convert.js";
import { evaluateModel, type ModelError } from "../gguf/model/eval.js";
import { readImatrix } from "../gguf/model/imatrix.js";
import type { QuantizationPlan } from "../gguf/model/mix.js";
import { one, parseArgs, type Parsed } from "./args.js";
import { writeAtomically } from "./output.js";
import { formatBytes, Progress } from "./progress.js";
import { table } from "./table.js";

const MIX_VALUES = ["--type", "--imatrix", "--tensor-type", "--output-tensor-type", "--token-embedding-type", "--variant", "--json"];
const MIX_FLAGS = ["--pure", "--leave-output-tensor", "--allow-requantize"];

async function mixOptions(p: Parsed): Promise<QuantizeModelOptions> {
  const type = one(p, "--type");
  if (!type) throw new QsimdError("INVALID_ARGUMENT", "--type is required (a llama.cpp file type like Q4_K_M, or a tensor type)");
  const tensorTypes = (p.values.get("--tensor-type") ?? []).map((spec) => {
    const at = spec.lastIndexOf("=");
    if (at <= 0) throw new QsimdError("INVALID_ARGUMENT", `--tensor-type takes PATTERN=TYPE, got ${JSON.stringify(spec)}`);
    return [spec.slice(0, at), spec.slice(at + 1)] as const;
  });
  const imatrixFile = one(p, "--imatrix");
  return {
    type,
    pure: p.flags.has("--pure"),
    leaveOutputTensor: p.flags.has("--leave-output-tensor"),
    allowRequantize: p.flags.has("--allow-requantize"),
    tensorTypes,
    outputTensorType: one(p, "--output-tensor-type"),
    tokenEmbeddingType: one(p, "--token-embedding-type"),
    ...(imatrixFile ? { importance: await readImatrix(new Uint8Array(await readFile(imatrixFile))), imatrixFile } : {}),
  };
}

function inputs(p: Parsed, count: number, usage: string): string[] {
  if (p.positional.length !== count) throw new QsimdError("INVALID_ARGUMENT", `usage: ${usage}`);
  return p.positional;
}

// Tensors are made as the writer reaches them; the bar follows the input bytes consumed.
async function write(out: string, input: string, file: GgufFile, plan: QuantizationPlan, spec: GgufWriteSpec, label: string): Promise<void> {
  const total = file.tensors.reduce((n, t) => n + t.byteLength, 0);
  const progress = new Progress(label, total);
  let done = 0;
  const tensors = spec.tensors!.map((t, i) => ({
    ...t,
    data: async () => {
      progress.update(done, t.name);
      const bytes = typeof t.data === "function" ? await t.data() : t.data;
      done += file.tensors[i].byteLength;
      progress.update(done, t.name);
      return bytes;
    },
  }));
  const started = Date.now();
  const bytes = await writeAtomically(out, ggufChunks({ ...spec, tensors }), [input]);
  progress.done();
  const changed = plan.tensors.filter((t) => t.to !== t.from).length;
  // One line per kind of fallback, not per tensor.
  const fallbacks = new Map<string, number>();
  for (const t of plan.tensors) if (t.fallback) fallbacks.set(`${t.fallback}: ${t.to}`, (fallbacks.get(`${t.fallback}: ${t.to}`) ?? 0) + 1);
  for (const [why, n] of fallbacks) console.error(`note: ${n} tensor${n > 1 ? "s" : ""}: ${why}`);
  console.log(`${out}: ${formatBytes(file.byteLength ?? 0)} -> ${formatBytes(bytes)}, ${changed} of ${plan.tensors.length} tensors converted in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export const QUANTIZE_USAGE = "qsimd quantize IN.gguf OUT.gguf --type TYPE [--pure] [--imatrix FILE] [--tensor-type PATTERN=TYPE]... [--output-tensor-type TYPE] [--token-embedding-type TYPE] [--leave-output-tensor] [--allow-requantize]";
export async function quantizeCommand(args: string[]): Promise<number> {
  const p = parseArgs(args, MIX_VALUES, MIX_FLAGS);
  const [input, out] = inputs(p, 2, QUANTIZE_USAGE);
  const options = await mixOptions(p);
  const q = await load({ variant: one(p, "--variant") as Variant | undefined });
  const file = await readGguf(input);
  try {
    const { plan, spec } = quantizeModel(q, file, options);
    await write(out, input, file, plan, spec, `quantize ${options.type}`);
  } finally {
    await file.close();
  }
  return 0;
}

export const DEQUANTIZE_USAGE = "qsimd dequantize IN.gguf OUT.gguf --type F32|F16|BF16";
export async function dequantizeCommand(args: string[]): Promise<number> {
  const p = parseArgs(args, ["--type", "--variant"], []);
  const [input, out] = inputs(p, 2, DEQUANTIZE_USAGE);
  const type = one(p, "--type") ?? "F32";
  const q = await load({ variant: one(p, "--variant") as Variant | undefined });
  const file = await readGguf(input);
  try {
    const { plan, spec } = dequantizeModel(q, file, type);
    await write(out, input, file, plan, spec, `dequantize ${type}`);
  } finally {
    await file.close();
  }
  return 0;
}

export function formatEval(r: ModelError): string {
  const f = (x: number, d = 4) => (Number.isFinite(x) ? x.toExponential(d - 1) : String(x));
  const rows = r.tensors.map((t) => [t.name, t.from, t.to, t.bytes, t.bitsPerWeight.toFixed(2), t.to === t.from ? "kept" : f(t.rmse), t.to === t.from ? "" : f(t.maxAbsError), t.to === t.from ? "" : t.cosine.toFixed(6), t.to === t.from ? "" : t.snrDb.toFixed(2)]);
  const s = r.total;
  return [
    table(["tensor", "from", "to", "bytes", "bits/weight", "rmse", "max |err|", "cosine", "SNR dB"], rows),
    "",
    `${r.type}: ${formatBytes(s.originalBytes)} -> ${formatBytes(s.bytes)} (${s.bitsPerWeight.toFixed(2)} bits/weight); over the ${s.count.toLocaleString("en-US")} converted weights: rmse ${f(s.rmse)}, max |err| ${f(s.maxAbsError)}, cosine ${s.cosine.toFixed(6)}, SNR ${s.snrDb.toFixed(2)} dB`,
  ].join("\n");
}

export const EVAL_USAGE = "qsimd eval IN.gguf --type TYPE [--imatrix FILE] [--pure] [--json FILE] (and quantize's type options)";
export async function evalCommand(args: string[]): Promise<number> {
  const p = parseArgs(args, MIX_VALUES, MIX_FLAGS);
  const [input] = inputs(p, 1, EVAL_USAGE);
  const options = await mixOptions(p);
  const q = await load({ variant: one(p, "--variant") as Variant | undefined });
  const file = await readGguf(input);
  let result: ModelError;
  try {
    const progress = new Progress(`eval ${options.type}`, file.tensors.length);
    result = await evaluateModel(q, file, options, (done, total) => progress.update(done, `${done}/${total} tensors`));
    progress.done();
  } finally {
    await file.close();
  }
  console.log(formatEval(result));
  const json = one(p, "--json");
  if (json) {
    await writeFile(json, JSON.stringify(result, (_, v) => (v === Infinity ? "Infinity" : v), 1));
    console.log(`saved ${json}`);
  }
  return 0;
}
