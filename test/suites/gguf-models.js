// Whole models: llama.cpp's per-tensor type choices, quantizing stories260K to llama.cpp's bytes,
// dequantizing, importance matrices in both file forms, and quantization error that grows as bits
// shrink.
import { equal, ok, rejects, sameBits } from "../lib/assert.js";
import { needShared } from "../lib/env.js";

// A llama-shaped model header without data: 32 layers, 32 heads, 8 KV heads (n_gqa 4), as Llama-3-8B.
function llamaHeader({ layers = 32, heads = 32, kvHeads = 8, embd = 4096, ffn = 14336, tied = false } = {}) {
  const tensors = [{ name: "token_embd.weight", shape: [embd, 128256] }];
  for (let i = 0; i < layers; i++) {
    for (const [n, shape] of [["attn_norm", [embd]], ["attn_q", [embd, embd]], ["attn_k", [embd, 1024]], ["attn_v", [embd, 1024]], ["attn_output", [embd, embd]],
      ["ffn_norm", [embd]], ["ffn_gate", [embd, ffn]], ["ffn_up", [embd, ffn]], ["ffn_down", [ffn, embd]]]) {
      tensors.push({ name: `blk.${i}.${n}.weight`, shape });
    }
  }
  tensors.push({ name: "output_norm.weight", shape: [embd] });
  if (!tied) tensors.push({ name: "output.weight", shape: [embd, 128256] });
  return {
    metadata: { "general.architecture": "llama", "llama.block_count": layers, "llama.attention.head_count": heads, "llama.attention.head_count_kv": kvHeads },
    tensors: tensors.map((t) => ({ ...t, type: "F16", typeId: 1, offset: 0, byteLength: t.shape.reduce((p, d) => p * d, 2) })),
  };
}

// llama.cpp's use_more_bits(i, 32): the first and last eighth, and every third layer between.
const MORE_BITS_32 = new Set([0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31]);

const typesOf = (plan) => Object.fromEntries(plan.tensors.map((t) => [t.name, t.to]));

export default function ggufModels(test, env) {
  const { planQuantization, quantizeModel, dequantizeModel, evaluateModel, readGguf, writeGguf, readImatrix } = env.api;

  test("GGUF models: Q4_K_M, Q2_K, Q3_K_M and IQ2_XS mixes make llama-quantize's choices", async () => {
    const model = llamaHeader();
    const q4km = typesOf(planQuantization(model, { type: "Q4_K_M" }));
    equal(q4km["token_embd.weight"], "Q4_K");
    equal(q4km["output.weight"], "Q6_K");
    equal(q4km["output_norm.weight"], "F16", "norms are kept");
    for (let i = 0; i < 32; i++) {
      const more = MORE_BITS_32.has(i) ? "Q6_K" : "Q4_K";
      equal(q4km[`blk.${i}.attn_v.weight`], more, `Q4_K_M attn_v ${i}`);
      equal(q4km[`blk.${i}.ffn_down.weight`], more, `Q4_K_M ffn_down ${i}`);
      equal(`${q4km[`blk.${i}.attn_q.weight`]} ${q4km[`blk.${i}.ffn_up.weight`]} ${q4km[`blk.${i}.attn_norm.weight`]}`, "Q4_K Q4_K F16");
    }
    const q2k = typesOf(planQuantization(model, { type: "Q2_K" }));
    equal(`${q2k["blk.5.attn_v.weight"]} ${q2k["blk.5.ffn_down.weight"]} ${q2k["blk.5.attn_output.weight"]} ${q2k["blk.5.attn_q.weight"]} ${q2k["output.weight"]}`, "Q4_K Q3_K Q3_K Q2_K Q6_K");
    const q3km = typesOf(planQuantization(model, { type: "Q3_K" }));
    equal(`${q3km["blk.0.attn_v.weight"]} ${q3km["blk.1.attn_v.weight"]} ${q3km["blk.2.attn_v.weight"]}`, "Q5_K Q5_K Q4_K", "Q3_K means Q3_K_M: attn_v Q5_K on the first two");
    equal(`${q3km["blk.1.ffn_down.weight"]} ${q3km["blk.2.ffn_down.weight"]} ${q3km["blk.5.attn_output.weight"]}`, "Q5_K Q4_K Q4_K", "ffn_down Q5_K below n/16, attn_output Q4_K");
    const iq2 = planQuantization(model, { type: "IQ2_XS" });
    const iq2t = typesOf(iq2);
    equal(`${iq2t["token_embd.weight"]} ${iq2t["output.weight"]} ${iq2t["blk.0.attn_v.weight"]} ${iq2t["blk.3.ffn_down.weight"]} ${iq2t["blk.4.ffn_down.weight"]}`, "Q2_K Q5_K Q4_K Q2_K IQ2_XS");
    ok(iq2.tensors.find((t) => t.name === "blk.4.ffn_down.weight").needsImatrix, "IQ2_XS tensors need an imatrix");
    ok(!iq2.tensors.find((t) => t.name === "token_embd.weight").needsImatrix, "not the token embedding");
    equal(planQuantization(model, { type: "q4_k_m" }).fileType, 15);
    equal(planQuantization(model, { type: "MXFP4" }).fileType, undefined, "a tensor type that is no file type");
    // Tied embeddings take the output's choice; overrides and --pure.
    equal(typesOf(planQuantization(llamaHeader({ tied: true }), { type: "Q4_K_M" }))["token_embd.weight"], "Q6_K");
    const custom = typesOf(planQuantization(model, { type: "Q4_K_M", tensorTypes: [["attn_q", "Q8_0"], [/ffn_down/, "IQ4_XS"]], outputTensorType: "Q8_0", tokenEmbeddingType: "Q5_K" }));
    equal(`${custom["blk.9.attn_q.weight"]} ${custom["blk.0.ffn_down.weight"]} ${custom["output.weight"]} ${custom["token_embd.weight"]}`, "Q8_0 IQ4_XS Q8_0 Q5_K");
    const pure = typesOf(planQuantization(model, { type: "Q4_K_M", pure: true }));
    equal(`${pure["blk.0.attn_v.weight"]} ${pure["output.weight"]} ${pure["blk.0.ffn_norm.weight"]}`, "Q4_K Q4_K F16");
    await rejects(() => planQuantization(model, { type: "Q7_K" }), "UNKNOWN_TYPE");
    await rejects(() => planQuantization(model, { type: "Q8_K" }), "INVALID_ARGUMENT", /activation/);
  });

  test("GGUF models: rows that do not divide a type's blocks fall back like llama.cpp's", async () => {
    const model = { metadata: { "general.architecture": "llama", "llama.block_count": 1 }, tensors: [
      { name: "blk.0.ffn_down.weight", shape: [172, 64], type: "F32" }, { name: "blk.0.ffn_up.weight", shape: [64, 172], type: "F32" },
      { name: "blk.0.attn_q.weight", shape: [40, 40], type: "F32" },
    ] };
    const plan = (type) => planQuantization(model, { type, pure: true }).tensors.map((t) => t.to).join(" ");
    equal(plan("Q4_K"), "F16 Q5_0 F16", "172 and 40 columns: no 32-block fits; 64 takes Q4_K's fallback Q5_0");
    equal(plan("Q6_K"), "F16 Q8_0 F16");
    equal(plan("IQ2_S"), "F16 IQ4_NL F16");
    equal(plan("Q8_0"), "F16 Q8_0 F16", "llama.cpp stops here; qsimd writes F16");
    ok(planQuantization(model, { type: "Q4_K", pure: true }).tensors[0].fallback.includes("172"), "the plan says why");
  });

  test("GGUF models: stories260K to Q8_0 gives llama.cpp's bytes; dequantizing restores the values", async () => {
    const q = await env.load();
    const src = await readGguf(await needShared(env, "data/stories260K.gguf"));
    const ref = await readGguf(await needShared(env, "data/stories260K-q8_0.v2.gguf"));
    const { plan, spec } = quantizeModel(q, src, { type: "Q8_0" });
    const out = await readGguf(await writeGguf(spec));
    equal(out.metadata["general.file_type"], 7);
    equal(out.metadata["general.quantization_version"], 2);
    equal(out.metadata["tokenizer.ggml.tokens"].length, 512, "metadata copied");
    let same = 0;
    for (const t of out.tensors) {
      const r = ref.tensor(t.name);
      if (t.name.includes("ffn_down")) {
        // Rows of 172 hold no whole Q8_0 blocks: F16 here (llama.cpp's 2023 quantizer ran blocks across rows).
        equal(t.type, "F16", t.name);
        sameBits(await out.read(t), q.quantize("F16", new Float32Array((await src.read(t.name)).slice().buffer)), t.name);
        continue;
      }
      equal(t.type, r.type, t.name);
      sameBits(await out.read(t), await ref.read(r), t.name);
      same++;
    }
    equal(same, 43, "32 Q8_0 and 11 F32 tensors identical to llama.cpp's file");
    equal(plan.tensors.filter((t) => t.fallback).length, 5);
    // Back to F32: each Q8_0 tensor as ggml dequantizes it (one flat run for the row-crossing ones).
    const back = await readGguf(await writeGguf(dequantizeModel(q, ref, "F32").spec));
    equal(back.metadata["general.file_type"], 0);
    for (const t of ref.tensors) {
      const u = back.tensor(t.name);
      equal(u.type, "F32", t.name);
      const count = t.shape.reduce((p, d) => p * d, 1);
      const expected = t.type === "F32" ? await ref.read(t) : new Uint8Array(q.dequantize("Q8_0", await ref.read(t), count).buffer);
      sameBits(await back.read(u), expected, t.name);
    }
    await rejects(() => quantizeModel(q, ref, { type: "Q4_0" }), "INVALID_ARGUMENT", /allowRequantize/);
    const requantized = quantizeModel(q, ref, { type: "Q4_0", allowRequantize: true });
    equal(typesOf(requantized.plan)["blk.0.attn_q.weight"], "Q4_0");
    await rejects(() => dequantizeModel(q, ref, "Q4_0"), "INVALID_ARGUMENT", /F32, F16 or BF16/);
  });

  test("GGUF models: importance matrices in GGUF and legacy form weight the quantizer", async () => {
    const q = await env.load();
    const src = await readGguf(await needShared(env, "data/stories260K.gguf"));
    const name = "blk.0.attn_q.weight";
    const weights = Float32Array.from({ length: 64 }, (_, i) => 0.5 + ((i * 37) % 11));
    // Legacy .dat: entries (name, calls, sum of squares = mean * calls), then chunk count and dataset.
    const calls = 4;
    const dat = [];
    const i32 = (v) => dat.push(...new Uint8Array(Int32Array.of(v).buffer));
    const f32 = (v) => dat.push(...new Uint8Array(Float32Array.of(v).buffer));
    i32(1); i32(name.length); dat.push(...[...name].map((c) => c.charCodeAt(0))); i32(calls); i32(64);
    for (const w of weights) f32(w * calls);
    i32(10); i32(4); dat.push(..."wiki".split("").map((c) => c.charCodeAt(0)));
    const legacy = await readImatrix(Uint8Array.from(dat));
    sameBits(legacy.entries.get(name), weights, "legacy weights");
    equal(`${legacy.chunks} ${legacy.datasets}`, "10 wiki");
    // GGUF form: in_sum2 and counts per expert (one here).
    const gguf = await writeGguf({
      metadata: { "general.type": "imatrix", "imatrix.datasets": ["wiki"], "imatrix.chunk_count": 10, "imatrix.chunk_size": 512 },
      tensors: [
        { name: `${name}.in_sum2`, type: "F32", shape: [64, 1], data: new Uint8Array(weights.map((w) => w * 8).buffer) },
        { name: `${name}.counts`, type: "F32", shape: [1, 1], data: new Uint8Array(Float32Array.of(8).buffer) },
      ],
    });
    const imatrix = await readImatrix(gguf);
    sameBits(imatrix.entries.get(name), weights, "GGUF weights");
    const { spec } = quantizeModel(q, src, { type: "Q4_K_M", pure: true, importance: imatrix, imatrixFile: "wiki.imatrix" });
    const out = await readGguf(await writeGguf(spec));
    const x = new Float32Array((await src.read(name)).slice().buffer);
    // Q4_K falls back to Q5_0 on rows of 64; with weights it is ggml's importance-weighted Q5_0.
    sameBits(await out.read(name), q.quantize("Q5_0", x, { rowLength: 64, imatrix: weights }), "weighted");
    const plain = q.quantize("Q5_0", x, { rowLength: 64 });
    ok((await out.read(name)).some((b, i) => b !== plain[i]), "the weights change the result");
    equal(`${out.metadata["quantize.imatrix.file"]} ${out.metadata["quantize.imatrix.dataset"]} ${out.metadata["quantize.imatrix.entries_count"]} ${out.metadata["quantize.imatrix.chunks_count"]}`, "wiki.imatrix wiki 1 10");
    await rejects(() => quantizeModel(q, llamaHeader(), { type: "IQ2_XS" }), "INVALID_ARGUMENT", /importance matrix/);
    const short = { ...imatrix, entries: new Map([[name, weights.subarray(1)]]) };
    await rejects(() => quantizeModel(q, src, { type: "Q4_0", importance: short }).spec.tensors.find((t) => t.name === name).data(), "LENGTH_MISMATCH");
    await rejects(() => readImatrix(Uint8Array.of(0, 0, 0, 0)), "MALFORMED");
    await rejects(() => readImatrix(Uint8Array.from(dat.slice(0, 40))), "MALFORMED");
    const nan = new Float32Array(weights);
    nan[3] = NaN;
    await rejects(async () => readImatrix(await writeGguf({
      metadata: { "imatrix.datasets": ["x"], "imatrix.chunk_count": 1, "imatrix.chunk_size": 1 },
      tensors: [{ name: "t.in_sum2", type: "F32", shape: [64, 1], data: new Uint8Array(nan.buffer) }, { name: "t.counts", type: "F32", shape: [1, 1], data: new Uint8Array(Float32Array.of(1).buffer) }],
    })), "INVALID_ARGUMENT", /non-finite/);
  });

  test("GGUF models: quantization error grows as bits shrink; K-quants beat legacy types of their size", async () => {
    const q = await env.load();
    const src = await readGguf(await needShared(env, "data/stories260K.gguf"));
    // stories260K's rows (64, 172) hold no 256-value K blocks: the same weights as rows of 256.
    const tensors = await Promise.all(src.tensors.map(async (t) => {
      const count = t.shape.reduce((p, d) => p * d, 1);
      return { name: t.name, type: t.type, shape: t.shape.length > 1 ? [256, count / 256] : t.shape, data: await src.read(t) };
    }));
    const model = await readGguf(await writeGguf({ metadata: src.metadata, types: src.types, tensors }));
    const rmse = {};
    for (const type of ["Q8_0", "Q6_K", "Q5_K", "Q5_0", "Q5_1", "Q4_K", "Q4_0", "Q4_1", "IQ4_NL", "IQ4_XS", "Q3_K", "Q2_K", "TQ2_0"]) {
      const result = await evaluateModel(q, model, { type, pure: true });
      ok(result.tensors.every((t) => t.to === type || t.to === t.from), `${type}: no fallbacks`);
      rmse[type] = result.total.rmse;
      ok(result.total.cosine > 0.5 && result.total.cosine < 1 && result.total.snrDb > 0, `${type}: ${JSON.stringify(result.total)}`);
    }
    const show = JSON.stringify(rmse);
    for (const chain of [["Q8_0", "Q6_K", "Q5_K", "Q4_K", "Q3_K", "Q2_K"], ["Q8_0", "Q5_1", "Q5_0", "Q4_1", "Q4_0"], ["Q5_0", "Q4_0", "Q3_K"]]) {
      for (let i = 1; i < chain.length; i++) ok(rmse[chain[i - 1]] < rmse[chain[i]], `${chain[i - 1]} < ${chain[i]}: ${show}`);
    }
    ok(rmse.Q4_K < rmse.Q4_0 && rmse.Q5_K < rmse.Q5_0, `K-quants beat legacy of the same size: ${show}`);
    // The model as it is, for every llama.cpp file type: K-quants fall back (rows of 64), the legacy chain holds.
    const real = {};
    for (const { name } of env.api.FILE_TYPES) {
      const result = await evaluateModel(q, src, { type: name });
      ok(result.total.rmse >= 0 && result.total.rmse < 0.2 && result.tensors.length === 48, `${name}: ${JSON.stringify(result.total)}`);
      real[name] = result.total.rmse;
    }
    const chain = ["F32", "F16", "Q8_0", "Q5_1", "Q5_0", "Q4_1", "Q4_0", "Q2_0"];
    for (let i = 1; i < chain.length; i++) ok(real[chain[i - 1]] < real[chain[i]], `stories260K: ${chain[i - 1]} < ${chain[i]}: ${JSON.stringify(real)}`);
    const mix = await evaluateModel(q, model, { type: "Q4_K_M" });
    ok(mix.total.rmse < rmse.Q4_K && mix.total.bitsPerWeight > 4.5, "Q4_K_M spends bits where they help");
    const kept = mix.tensors.find((t) => t.name === "output_norm.weight");
    equal(`${kept.to} ${kept.rmse}`, "F32 0", "norms kept exactly");
  });
}
