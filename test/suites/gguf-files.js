// GGUF files: the real files in ../shared/data read exactly (v1, v2, v3), written back
// byte-identical, every source kind, and bad files (hand-made and fuzzed) refused with a
// QsimdError naming the offset, never a crash, a hang or an allocation the file cannot back.
import { equal, ok, rejects, sameBits } from "../lib/assert.js";
import { needShared } from "../lib/env.js";
import { rng } from "../lib/random.js";

const DATA = ["stories260K.gguf", "stories260K-q8_0.v2.gguf", "stories260K-f32.v1.gguf", "ggml-vocab-llama-spm.gguf", "ggml-vocab-gpt-2.gguf", "ggml-vocab-phi-3.gguf"];
const FILE_CODES = new Set(["BAD_MAGIC", "UNSUPPORTED_VERSION", "TRUNCATED", "MALFORMED", "UNKNOWN_TYPE"]);

// A small GGUF v3 file made by hand (independent of the writer): two metadata keys, a 32x2 Q8_0
// tensor at data offset 0 and a 4-value F32 tensor at 96. `patch` changes fields by name.
function handMade(patch = {}) {
  const p = { version: 3, tensorCount: 2n, kvCount: 2n, alignType: 4, align: 32, keyLength: undefined, valueType: 8, aType: 8, aDims: [32n, 2n], bOffset: 96n, secondKey: "general.alignment", bName: "b", ...patch };
  const bytes = [];
  const at = {};
  const u8 = (v) => bytes.push(v & 0xff);
  const u32 = (v) => { for (let i = 0; i < 4; i++) u8(v >>> (8 * i)); };
  const u64 = (v) => { for (let i = 0n; i < 8n; i++) u8(Number((BigInt(v) >> (8n * i)) & 0xffn)); };
  const str = (s, length = BigInt(s.length)) => { u64(length); for (const c of s) u8(c.charCodeAt(0)); };
  for (const c of "GGUF") u8(c.charCodeAt(0));
  at.version = bytes.length;
  u32(p.version);
  at.tensorCount = bytes.length;
  u64(p.tensorCount);
  u64(p.kvCount);
  at.key = bytes.length;
  str("general.architecture", p.keyLength);
  at.valueType = bytes.length;
  u32(p.valueType);
  str("llama");
  str(p.secondKey);
  u32(p.alignType);
  u32(p.align);
  str("a");
  u32(p.aDims.length);
  for (const d of p.aDims) u64(d);
  at.aType = bytes.length;
  u32(p.aType);
  u64(0n);
  str(p.bName);
  u32(1);
  u64(4n);
  u32(0);
  at.bOffset = bytes.length;
  u64(p.bOffset);
  while (bytes.length % 32) u8(0);
  at.data = bytes.length;
  for (let i = 0; i < 96 + 16; i++) u8(i * 7 + 3);
  return { bytes: Uint8Array.from(bytes), at };
}

async function collect(stream) {
  const reader = stream.getReader();
  const parts = [];
  for (let r; !(r = await reader.read()).done; ) parts.push(r.value);
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of parts) out.set(x, at), (at += x.length);
  return out;
}

function chunked(bytes, size) {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, (at += size)));
    },
  });
}

const plain = (v) => (ArrayBuffer.isView(v) ? Array.from(v) : Array.isArray(v) ? v.map(plain) : v);

export default function ggufFiles(test, env) {
  const { readGguf, writeGguf, writeGgufStream } = env.api;

  test("GGUF files: the shared files read with their documented versions, tensors and types", async () => {
    const v3 = await readGguf(await needShared(env, "data/stories260K.gguf"));
    equal(v3.version, 3);
    equal(v3.tensors.length, 48);
    equal(Object.keys(v3.metadata).length, 19);
    ok(v3.tensors.every((t) => t.type === "F32"), "stories260K.gguf is all F32");
    equal(v3.metadata["llama.embedding_length"], 64);
    equal(v3.metadata["llama.block_count"], 5);
    equal(v3.metadata["tokenizer.ggml.tokens"].length, 512);
    const q8 = await readGguf(await needShared(env, "data/stories260K-q8_0.v2.gguf"));
    equal(q8.version, 2);
    equal(q8.metadata["general.file_type"], 7);
    equal(q8.tensors.filter((t) => t.type === "Q8_0").length, 37);
    equal(q8.tensors.filter((t) => t.type === "F32").length, 11);
    // The 2023 quantizer's ffn_down blocks cross rows of 172: sized as one flat run of blocks.
    const down = q8.tensor("blk.0.ffn_down.weight");
    equal(down.shape.join(), "172,64");
    equal(down.byteLength, ((172 * 64) / 32) * 34);
    const v1 = await readGguf(await needShared(env, "data/stories260K-f32.v1.gguf"));
    equal(v1.version, 1);
    equal(v1.tensors.length, 48);
    // Same values as the v3 file, tensors in another order.
    for (const t of v1.tensors) sameBits(await v1.read(t), await v3.read(t.name), t.name);
    ok(v1.tensors.map((t) => t.name).join() !== v3.tensors.map((t) => t.name).join(), "the v1 file orders tensors differently");
    for (const name of ["ggml-vocab-llama-spm.gguf", "ggml-vocab-gpt-2.gguf", "ggml-vocab-phi-3.gguf"]) {
      const vocab = await readGguf(await needShared(env, `data/${name}`));
      equal(vocab.tensors.length, 0, name);
      const tokens = vocab.metadata["tokenizer.ggml.tokens"];
      ok(Array.isArray(tokens) && tokens.length > 30000 && typeof tokens[100] === "string", `${name}: token strings`);
      equal(vocab.types["tokenizer.ggml.tokens"], "string[]");
    }
    const phi = await readGguf(await needShared(env, "data/ggml-vocab-phi-3.gguf"));
    ok(/\{%/.test(phi.metadata["tokenizer.chat_template"]), "phi-3's chat template");
    equal(phi.types["tokenizer.ggml.scores"], "float32[]");
    ok(phi.metadata["tokenizer.ggml.scores"] instanceof Float32Array, "float arrays read as Float32Array");
    equal(typeof phi.metadata["tokenizer.ggml.add_bos_token"], "boolean");
  });

  test("GGUF files: writing back what was read gives the same bytes (v3), or the same file as v3 (v1, v2)", async () => {
    for (const name of DATA) {
      const bytes = await needShared(env, `data/${name}`);
      const file = await readGguf(bytes);
      const tensors = file.tensors.map((t) => ({ name: t.name, type: t.type, shape: t.shape, data: () => file.read(t) }));
      const out = await writeGguf({ metadata: file.metadata, types: file.types, tensors });
      if (file.version === 3) sameBits(out, bytes, name);
      const again = await readGguf(out);
      equal(again.version, 3, name);
      equal(JSON.stringify(plain(Object.entries(again.metadata))), JSON.stringify(plain(Object.entries(file.metadata))), `${name} metadata`);
      equal(JSON.stringify(again.types), JSON.stringify(file.types), `${name} types`);
      for (const t of file.tensors) {
        const u = again.tensor(t.name);
        equal(`${u.type} [${u.shape}] ${u.byteLength}`, `${t.type} [${t.shape}] ${t.byteLength}`, t.name);
        ok(u.offset % 32 === 0, `${t.name} aligned`);
        sameBits(await again.read(u), await file.read(t), t.name);
      }
    }
  });

  test("GGUF files: every source kind gives the same header and tensors", async () => {
    const bytes = await needShared(env, "data/stories260K.gguf");
    const ref = await readGguf(bytes);
    const sources = [["ArrayBuffer", bytes.slice().buffer]];
    if (typeof Blob === "function") sources.push(["Blob", new Blob([bytes])]);
    if (typeof ReadableStream === "function") sources.push(["ReadableStream (7-byte chunks)", chunked(bytes, 7)], ["ReadableStream (1 MiB chunks)", chunked(bytes, 1 << 20)]);
    if (typeof Response === "function" && typeof ReadableStream === "function") sources.push(["Response", new Response(chunked(bytes, 4096))]);
    for (const [kind, source] of sources) {
      const file = await readGguf(source);
      equal(JSON.stringify(file.tensors), JSON.stringify(ref.tensors), kind);
      equal(file.byteLength, kind.startsWith("Readable") || kind === "Response" ? undefined : bytes.length, `${kind} size`);
      // File order: streams read forward.
      for (const t of [...file.tensors].sort((a, b) => a.offset - b.offset)) sameBits(await file.read(t), await ref.read(t), `${kind} ${t.name}`);
      await file.close();
    }
    if (typeof ReadableStream === "function") {
      const file = await readGguf(chunked(bytes, 4096));
      const [first, second] = [...file.tensors].sort((a, b) => a.offset - b.offset);
      await file.read(second);
      await rejects(() => file.read(first), "UNSUPPORTED_OPERATION", /forward only/);
    }
    // File paths and file URLs, where the runtime has them (Node, Bun: FileHandle reads; Deno: Deno.open).
    if (env.sharedPath) {
      const path = env.sharedPath("data/stories260K.gguf");
      for (const source of [path, new URL(`file://${path}`)]) {
        const file = await readGguf(source);
        equal(JSON.stringify(file.tensors), JSON.stringify(ref.tensors), `path ${source}`);
        equal(file.byteLength, bytes.length);
        sameBits(await file.read("output.weight"), await ref.read("output.weight"), "from the file");
        await file.close();
      }
      await rejects(() => readGguf(env.sharedPath("data/no-such-file.gguf")), "INVALID_ARGUMENT", /cannot open/);
    } else {
      await rejects(() => readGguf("model.gguf"), "UNSUPPORTED_OPERATION", /no file paths/);
    }
    // Straight into wasm memory.
    const q = await env.load();
    const t = ref.tensor("token_embd.weight");
    const resident = q.alloc(t.byteLength);
    await ref.read(t, { into: resident });
    sameBits(resident.view(), await ref.read(t), "into a resident buffer");
    await rejects(() => ref.read(t, { into: new Uint8Array(t.byteLength - 1) }), "LENGTH_MISMATCH");
    await rejects(() => ref.read("no.such.tensor"), "INVALID_ARGUMENT", /no tensor/);
    await rejects(() => readGguf(42), "INVALID_ARGUMENT");
    resident.free();
  });

  test("GGUF files: writer alignment, padding, type inference, streaming and bad specs", async () => {
    const a = new Uint8Array(34 * 4).map((_, i) => i);
    const spec = {
      metadata: { "general.architecture": "test", count: 7, negative: -3, big: 2n ** 40n, huge: 2n ** 63n, ratio: 0.5, flag: true, names: ["x", "y"], ids: new Int32Array([1, -2]), nested: [[1, 2], [3]] },
      types: { count: "uint16" },
      tensors: [{ name: "w", type: "Q8_0", shape: [64, 2], data: a }, { name: "v", type: 0, shape: [3], data: () => new Uint8Array(12).fill(1) }],
      alignment: 64,
    };
    const out = await writeGguf(spec);
    const file = await readGguf(out);
    equal(file.alignment, 64);
    equal(file.dataOffset % 64, 0);
    equal(file.tensor("v").offset - file.tensor("w").offset, 192, "136 bytes padded to 192");
    equal(out.length, file.tensor("v").offset + 64, "the last tensor is padded too");
    const types = file.types;
    equal(`${types.count} ${types.negative} ${types.big} ${types.huge} ${types.ratio} ${types.flag} ${types.names} ${types.ids} ${types.nested}`,
      "uint16 int32 uint64 uint64 float32 bool string[] int32[] uint32[][]");
    equal(file.metadata.big, 2 ** 40, "safe 64-bit integers read as numbers");
    equal(file.metadata.huge, 2n ** 63n, "unsafe ones as BigInt");
    equal(JSON.stringify(plain(file.metadata.nested)), "[[1,2],[3]]");
    if (typeof ReadableStream === "function") sameBits(await collect(writeGgufStream(spec)), out, "streamed");
    const bad = (patch) => writeGguf({ ...spec, ...patch });
    await rejects(() => bad({ tensors: [spec.tensors[0], { ...spec.tensors[0] }] }), "INVALID_ARGUMENT", /duplicate/);
    await rejects(() => bad({ tensors: [{ ...spec.tensors[0], data: a.subarray(1) }] }), "LENGTH_MISMATCH");
    await rejects(() => bad({ tensors: [{ ...spec.tensors[0], shape: [40, 2] }] }), "LENGTH_MISMATCH", /blocks/);
    await rejects(() => bad({ tensors: [{ ...spec.tensors[0], shape: [1, 1, 1, 1, 64] }] }), "INVALID_ARGUMENT");
    await rejects(() => bad({ tensors: [{ ...spec.tensors[0], type: "Q9_9" }] }), "UNKNOWN_TYPE");
    await rejects(() => bad({ types: { count: "uint8" }, metadata: { count: 300 } }), "INVALID_ARGUMENT", /uint8/);
    await rejects(() => bad({ types: { count: "float16" } }), "INVALID_ARGUMENT", /value type/);
    await rejects(() => bad({ metadata: { f: () => 1 } }), "INVALID_ARGUMENT");
    await rejects(() => bad({ alignment: 48 }), "INVALID_ARGUMENT", /power of two/);
  });

  test("GGUF files: bad headers give a QsimdError naming the offset", async () => {
    const good = handMade();
    const file = await readGguf(good.bytes);
    equal(file.tensors.map((t) => `${t.name}:${t.type}:${t.offset}:${t.byteLength}`).join(), `a:Q8_0:${good.at.data}:68,b:F32:${good.at.data + 96}:16`);
    const cases = [
      ["bad magic", (() => { const b = good.bytes.slice(); b[0] = 0x74; b[1] = 0x6a; return b; })(), "BAD_MAGIC", 0],
      ["a GGJT file", Uint8Array.from([0x74, 0x6a, 0x67, 0x67, 3, 0, 0, 0]), "BAD_MAGIC", 0, /pre-GGUF/],
      ["version 4", handMade({ version: 4 }).bytes, "UNSUPPORTED_VERSION", 4],
      ["big-endian", handMade({ version: 0x03000000 }).bytes, "UNSUPPORTED_VERSION", 4, /big-endian/],
      ["2^60 tensors", handMade({ tensorCount: 2n ** 60n }).bytes, "MALFORMED", 8],
      ["2^63 tensors", handMade({ tensorCount: 2n ** 63n }).bytes, "MALFORMED", 8],
      ["2^40 metadata keys", handMade({ kvCount: 2n ** 40n }).bytes, "MALFORMED"],
      ["a key of 2^40 bytes", handMade({ keyLength: 2n ** 40n }).bytes, "MALFORMED", good.at.key],
      ["value type 99", handMade({ valueType: 99 }).bytes, "MALFORMED", good.at.valueType],
      ["tensor type 77", handMade({ aType: 77 }).bytes, "UNKNOWN_TYPE", good.at.aType],
      ["tensor type 4 (removed Q4_2)", handMade({ aType: 4 }).bytes, "UNKNOWN_TYPE", good.at.aType],
      ["duplicate key", handMade({ secondKey: "general.architecture", alignType: 8 }).bytes, "MALFORMED", undefined, /duplicate/],
      ["duplicate tensor", handMade({ bName: "a" }).bytes, "MALFORMED", undefined, /duplicate/],
      ["misaligned offset", handMade({ bOffset: 100n }).bytes, "MALFORMED", good.at.bOffset, /alignment/],
      ["overlapping tensors", handMade({ bOffset: 64n }).bytes, "MALFORMED", good.at.bOffset, /overlap/],
      ["data past the end", handMade({ bOffset: 128n }).bytes, "TRUNCATED", good.at.bOffset],
      ["data offset 2^62", handMade({ bOffset: 2n ** 62n }).bytes, "MALFORMED", good.at.bOffset],
      ["alignment 48", handMade({ align: 48 }).bytes, "MALFORMED", undefined, /power of two/],
      ["alignment as int32", handMade({ alignType: 5 }).bytes, "MALFORMED", undefined, /uint32/],
      ["5 dimensions", handMade({ aDims: [32n, 2n, 1n, 1n, 1n] }).bytes, "MALFORMED", undefined, /dimensions/],
      ["not whole blocks", handMade({ aDims: [31n, 2n] }).bytes, "MALFORMED", undefined, /blocks/],
      ["a dimension of 2^62", handMade({ aDims: [2n ** 62n, 2n] }).bytes, "MALFORMED"],
    ];
    for (const [what, bytes, code, offset, pattern] of cases) {
      const error = await rejects(() => readGguf(bytes), code, pattern);
      if (offset !== undefined) equal(error.offset, offset, `${what}: offset`);
      ok(typeof error.offset === "number" && /GGUF byte \d+/.test(error.message), `${what}: names the offset (${error.message})`);
      // Huge counts are refused before anything is read or allocated for them.
      if (/2\^/.test(what) && code === "MALFORMED") ok(/cannot hold|more than any file|past the end/.test(error.message), `${what}: ${error.message}`);
    }
    // Every cut of the file short of its end.
    for (let n = 0; n < good.bytes.length; n++) {
      const error = await rejects(() => readGguf(good.bytes.subarray(0, n)), n < 4 ? "BAD_MAGIC" : "TRUNCATED");
      ok(error.offset <= n, `cut at ${n}: offset ${error.offset}`);
    }
    if (typeof ReadableStream === "function") {
      for (const n of [3, 20, good.at.bOffset + 4, good.bytes.length - 1]) {
        const file = await readGguf(chunked(good.bytes.subarray(0, n), 5)).catch((e) => e);
        if (file.name === "QsimdError") ok(FILE_CODES.has(file.code), `stream cut at ${n}: ${file.code}`);
        else await rejects(() => file.read("b"), "TRUNCATED");
      }
      // A stream whose header never ends stops at maxHeaderBytes.
      const endless = new ReadableStream({ start(c) { c.enqueue(handMade({ keyLength: 2n ** 40n }).bytes.subarray(0, 32)); }, pull(c) { c.enqueue(new Uint8Array(1 << 16).fill(97)); } });
      await rejects(() => readGguf(endless, { maxHeaderBytes: 1 << 20 }), "MALFORMED", /maxHeaderBytes/);
    }
  });

  test("GGUF files: 3000 mutations of the real files are read or refused with a QsimdError", async () => {
    const r = rng(20261201);
    const bases = [
      // Copies: the cases edit them in place.
      [await needShared(env, "data/stories260K.gguf"), 1800],
      [await needShared(env, "data/stories260K-f32.v1.gguf"), 700],
      [await needShared(env, "data/stories260K-q8_0.v2.gguf"), 450],
      [await needShared(env, "data/ggml-vocab-llama-spm.gguf"), 50],
    ].map(([bytes, cases]) => [bytes.slice(), cases]);
    let refused = 0;
    let read = 0;
    for (const [base, cases] of bases) {
      const headerEnd = (await readGguf(base)).dataOffset;
      for (let c = 0; c < cases; c++) {
        // Edited in place and restored afterwards: copying the file for every case would dominate.
        const b = base.subarray(0, r.int(0, 9) === 0 ? r.int(0, base.length) : base.length);
        const saved = base.slice(0, headerEnd);
        const edits = r.int(1, 4);
        for (let e = 0; e < edits; e++) {
          // Mostly inside the header, where the structure is.
          const at = r.int(0, Math.max(0, Math.min(b.length, headerEnd) - 8));
          const kind = r.int(0, 3);
          if (kind === 0) b[at] = r.u32() & 0xff;
          else if (kind === 1) b[at] ^= 1 << r.int(0, 7);
          else if (kind === 2) for (let k = 0; k < 8 && at + k < b.length; k++) b[at + k] = [0x00, 0xff, 0x7f, 0x80][r.int(0, 3)];
          else if (at + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(at, [0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 1 << 20][r.int(0, 5)], true);
        }
        try {
          const file = await readGguf(b);
          read++;
          for (const t of file.tensors) ok(t.offset + t.byteLength <= b.length, `case ${c}: ${t.name} inside the file`);
          for (const t of file.tensors.slice(-2)) equal((await file.read(t)).length, t.byteLength);
        } catch (error) {
          ok(error?.name === "QsimdError" && FILE_CODES.has(error.code), `case ${c}: ${error?.name} ${error?.code}: ${error?.message}`);
          refused++;
        } finally {
          base.set(saved);
        }
      }
    }
    // A hang would show as the runtime's driver timing out; no timing is asserted here.
    ok(refused > 1000 && read > 100, `${refused} refused, ${read} read`);
  });
}
