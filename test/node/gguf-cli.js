// The GGUF command line (qsimd inspect / quantize / dequantize / eval) in child processes, and the
// reader cross-checked with a peer, @huggingface/gguf, on every shared file and on files qsimd writes.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gguf as peerParse } from "@huggingface/gguf";
import * as qsimd from "qsimd";
import { equal, ok, sameBits } from "../lib/assert.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const data = join(root, "..", "shared", "data");
const DATA = ["stories260K.gguf", "stories260K-q8_0.v2.gguf", "stories260K-f32.v1.gguf", "ggml-vocab-llama-spm.gguf", "ggml-vocab-gpt-2.gguf", "ggml-vocab-phi-3.gguf"];

function cli(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, "bin", "qsimd.js"), ...args], { cwd: root, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? error.code ?? 1 : 0, stdout, stderr }));
  });
}

function needData(name) {
  const path = join(data, name);
  if (!existsSync(path)) throw new Error(`../shared/data/${name} is missing`);
  return path;
}

// The peer's view of a file, in qsimd's shapes: metadata without its header fields, tensor infos.
async function peerView(path) {
  const { metadata, tensorInfos, tensorDataOffset } = await peerParse(path, { allowLocalFile: true });
  const entries = Object.entries(metadata).filter(([k]) => !["version", "tensor_count", "kv_count"].includes(k));
  return {
    version: metadata.version,
    metadata: entries.map(([k, v]) => [k, plain(v)]),
    tensors: tensorInfos.map((t) => ({ name: t.name, typeId: t.dtype, shape: t.shape.map(Number), offset: Number(t.offset) + Number(tensorDataOffset) })),
  };
}
// Equal views, or the first entry that differs (the whole view is too long for a message).
function sameView(a, b, what) {
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  if (sa === sb) return;
  const list = (v) => [["version", v.version], ...v.metadata, ...v.tensors.map((t) => [t.name, t])];
  const [la, lb] = [list(a), list(b)];
  const i = la.findIndex((e, k) => JSON.stringify(e) !== JSON.stringify(lb[k]));
  throw new Error(`${what}: entry ${i} differs: ${JSON.stringify(la[i])?.slice(0, 300)} vs ${JSON.stringify(lb[i])?.slice(0, 300)}`);
}
async function viewOf(path) {
  const file = await qsimd.readGguf(path);
  await file.close();
  return ourView(file);
}
// The peer decodes strings with TextDecoder's defaults, which drop a leading U+FEFF (token 30143
// of llama's vocabulary is exactly that); qsimd keeps the file's bytes, so both sides compare without it.
const plain = (v) => (typeof v === "string" ? v.replace(/^\ufeff/, "") : typeof v === "bigint" ? `${v}n` : ArrayBuffer.isView(v) || Array.isArray(v) ? Array.from(v, plain) : v);
const ourView = (file) => ({
  version: file.version,
  metadata: Object.entries(file.metadata).map(([k, v]) => [k, plain(v)]),
  tensors: file.tensors.map((t) => ({ name: t.name, typeId: t.typeId, shape: t.shape, offset: t.offset })),
});

export default function ggufCli(test) {
  test("GGUF peer: @huggingface/gguf reads every shared file, and every file qsimd writes, as qsimd does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qsimd-peer-"));
    try {
      const q = await qsimd.load();
      for (const name of DATA) {
        const path = needData(name);
        const file = await qsimd.readGguf(path);
        sameView(ourView(file), await peerView(path), name);
        const written = join(dir, name);
        writeFileSync(written, await qsimd.writeGguf({ metadata: file.metadata, types: file.types, tensors: file.tensors.map((t) => ({ ...t, data: () => file.read(t) })) }));
        sameView(await viewOf(written), await peerView(written), `${name} as written by qsimd`);
        await file.close();
      }
      const src = await qsimd.readGguf(needData("stories260K.gguf"));
      const path = join(dir, "q4km.gguf");
      writeFileSync(path, await qsimd.writeGguf(qsimd.quantizeModel(q, src, { type: "Q4_K_M" }).spec));
      sameView(await viewOf(path), await peerView(path), "a quantized model");
      // A FileHandle as the source.
      const { open } = await import("node:fs/promises");
      const handle = await open(needData("stories260K.gguf"));
      const viaHandle = await qsimd.readGguf(handle);
      sameBits(await viaHandle.read("output.weight"), await src.read("output.weight"), "FileHandle");
      await handle.close();
      await src.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("qsimd quantize stories260K --type Q8_0 writes llama.cpp's Q8_0 bytes; inspect, dequantize and eval work on files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qsimd-cli-"));
    try {
      const out = join(dir, "q8.gguf");
      const run = await cli(["quantize", needData("stories260K.gguf"), out, "--type", "Q8_0"]);
      equal(run.code, 0, run.stderr);
      ok(/5 tensors: rows of 172 are not whole Q8_0 blocks/.test(run.stderr), run.stderr);
      const mine = await qsimd.readGguf(readFileSync(out));
      const ref = await qsimd.readGguf(readFileSync(needData("stories260K-q8_0.v2.gguf")));
      let same = 0;
      for (const t of mine.tensors.filter((t) => t.type === "Q8_0")) sameBits(await mine.read(t), await ref.read(t.name), t.name), same++;
      equal(same, 32, "every Q8_0 tensor llama.cpp could write row by row");
      const inspect = await cli(["inspect", out]);
      equal(inspect.code, 0, inspect.stderr);
      ok(/token_embd\.weight\s+Q8_0\s+64 x 512\s+34816\s+8\.50/.test(inspect.stdout), inspect.stdout.slice(0, 2000));
      ok(/tokenizer\.ggml\.tokens\s+string\[\]\s+\["<unk>", "<s>".*512 items\]/.test(inspect.stdout), "long arrays summarized");
      ok(/general\.file_type\s+uint32\s+7/.test(inspect.stdout), "file type written");
      const json = JSON.parse((await cli(["inspect", out, "--json"])).stdout);
      equal(json.totals.tensors, 48);
      const back = join(dir, "f16.gguf");
      equal((await cli(["dequantize", out, back, "--type", "F16"])).code, 0);
      const f16 = await qsimd.readGguf(readFileSync(back));
      equal(f16.tensor("blk.0.attn_q.weight").type, "F16");
      equal(f16.tensor("blk.0.attn_norm.weight").type, "F32", "1-D tensors stay F32");
      const report = join(dir, "eval.json");
      const evaluated = await cli(["eval", needData("stories260K.gguf"), "--type", "Q4_0", "--json", report]);
      equal(evaluated.code, 0, evaluated.stderr);
      ok(/Q4_0: .* rmse .* cosine 0\.99\d+, SNR \d+\.\d+ dB/.test(evaluated.stdout), evaluated.stdout.slice(-400));
      const parsed = JSON.parse(readFileSync(report, "utf8"));
      equal(parsed.tensors.length, 48);
      ok(parsed.total.rmse > 0 && parsed.total.snrDb > 10, JSON.stringify(parsed.total));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("qsimd quantize never leaves a partial output on failure, and says what is wrong", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qsimd-cli-"));
    try {
      // A model with 256-value rows, so IQ2_XS applies and needs an importance matrix.
      const src = await qsimd.readGguf(readFileSync(needData("stories260K.gguf")));
      const model = join(dir, "wide.gguf");
      writeFileSync(model, await qsimd.writeGguf({
        metadata: src.metadata, types: src.types,
        tensors: await Promise.all(src.tensors.map(async (t) => ({ name: t.name, type: t.type, shape: t.shape.length > 1 ? [256, t.shape[0] * t.shape[1] / 256] : t.shape, data: await src.read(t) }))),
      }));
      const out = join(dir, "out.gguf");
      const cases = [
        [["quantize", model, out, "--type", "IQ2_XS"], /needs an importance matrix/],
        [["quantize", model, out, "--type", "Q5_9"], /UNKNOWN_TYPE/],
        [["quantize", model, out], /--type is required/],
        [["quantize", model, model, "--type", "Q4_0"], /is the input file/],
        [["quantize", join(dir, "missing.gguf"), out, "--type", "Q4_0"], /cannot open/],
        [["inspect", join(root, "package.json")], /BAD_MAGIC/],
        [["quantize", model, out, "--type", "Q4_0", "--bogus"], /unknown option --bogus/],
      ];
      for (const [args, pattern] of cases) {
        const run = await cli(args);
        ok(run.code !== 0 && pattern.test(run.stderr), `${args.join(" ")}: exit ${run.code}: ${run.stderr}`);
        ok(!run.stderr.includes("    at "), `${args.join(" ")}: no stack trace`);
      }
      // A corrupt input that fails while tensors are being written.
      const bytes = readFileSync(model);
      writeFileSync(join(dir, "cut.gguf"), bytes.subarray(0, bytes.length - 1000));
      const cut = await cli(["quantize", join(dir, "cut.gguf"), out, "--type", "Q4_0"]);
      ok(cut.code !== 0 && /TRUNCATED/.test(cut.stderr), cut.stderr);
      equal(readdirSync(dir).sort().join(), "cut.gguf,wide.gguf", "no output, no partial file");
      // With an importance matrix (the legacy .dat form) it goes through.
      const entries = src.tensors.filter((t) => t.shape.length > 1);
      const dat = [];
      const i32 = (v) => dat.push(...new Uint8Array(Int32Array.of(v).buffer));
      i32(entries.length);
      for (const t of entries) {
        i32(t.name.length);
        dat.push(...Buffer.from(t.name));
        i32(1);
        i32(256);
        for (let i = 0; i < 256; i++) dat.push(...new Uint8Array(Float32Array.of(1 + (i % 7)).buffer));
      }
      writeFileSync(join(dir, "imatrix.dat"), Uint8Array.from(dat));
      const run = await cli(["quantize", model, out, "--type", "IQ2_XS", "--imatrix", join(dir, "imatrix.dat")]);
      equal(run.code, 0, run.stderr);
      const quantized = await qsimd.readGguf(readFileSync(out));
      equal(quantized.tensor("blk.4.ffn_up.weight").type, "IQ2_XS");
      equal(quantized.metadata["quantize.imatrix.entries_count"], entries.length);
      equal(quantized.metadata["general.file_type"], 20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
