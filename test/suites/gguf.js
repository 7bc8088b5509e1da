// GGUF block formats against ggml's reference vectors (../shared/vectors): quantized bytes and
// dequantized floats identical, in every build this runtime runs.
import { equal, ok, rejects, sameBits } from "../lib/assert.js";
import { needShared, runnableVariants } from "../lib/env.js";
import { sharedFiles } from "./shared-files.js";
import { rng } from "../lib/random.js";

/** The formats with dot products (vecDot, tensor). */
const DOT_FORMATS = [
  "q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q2_K", "q3_K", "q4_K", "q5_K", "q6_K",
  "iq4_nl", "iq4_xs", "tq1_0", "tq2_0", "mxfp4", "nvfp4", "q1_0", "q2_0",
  "iq2_xxs", "iq2_xs", "iq2_s", "iq3_xxs", "iq3_s", "iq1_s", "iq1_m",
];
/** The formats qsimd quantizes; each must match every reference case of its type, with and without importance weights. */
export const GGUF_FORMATS = [
  "q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q8_1", "q8_K", "q2_K", "q3_K", "q4_K", "q5_K", "q6_K",
  "iq4_nl", "iq4_xs", "tq1_0", "tq2_0", "mxfp4", "nvfp4", "q1_0", "q2_0",
  "iq2_xxs", "iq2_xs", "iq2_s", "iq3_xxs", "iq3_s", "iq1_s", "iq1_m",
];

export default function gguf(test, env) {
  let vectors;
  const load = async () => {
    if (!vectors) {
      const manifest = JSON.parse(await needShared(env, "vectors/manifest.json", "text"));
      const files = {};
      for (const name of ["inputs.bin", ...GGUF_FORMATS.map((f) => `${f}.bin`)]) {
        // workerd reads only the files listed there (it embeds them): a file missing from the list fails everywhere.
        ok(sharedFiles.some((f) => f.path === `vectors/${name}`), `vectors/${name} is not in test/suites/shared-files.js`);
        files[name] = await needShared(env, `vectors/${name}`);
      }
      const blob = (ref, Type) => {
        const b = files[ref.file];
        return new Type(b.buffer.slice(b.byteOffset + ref.offset, b.byteOffset + ref.offset + ref.bytes));
      };
      vectors = { manifest, blob };
    }
    return vectors;
  };

  for (const format of GGUF_FORMATS) {
    test(`${format.toUpperCase()}: quantize (reference and importance-weighted) and dequantize match ggml's vectors in every build`, async () => {
      const { manifest, blob } = await load();
      const cases = manifest.cases.filter((c) => c.type === format && c.status === "ok");
      ok(cases.length > 10, `${cases.length} reference cases`);
      const { features } = await env.load();
      for (const variant of runnableVariants(features)) {
        const q = await env.load({ variant });
        for (const c of cases) {
          const x = blob(c.input, Float32Array);
          const imatrix = c.imatrix ? blob(c.imatrix_data, Float32Array) : undefined;
          const bytes = q.quantize(format, x, { rowLength: c.n, imatrix });
          const want = blob(c.quantized, Uint8Array);
          // IQ4_NL's _ref quantizer leaves the codes of all-tiny blocks unset (their scale is 0): only
          // their first two bytes are specified (see ../shared/vectors/README.md).
          const loose = new Set(c.unspecified?.blocks ?? []);
          if (!loose.size) sameBits(bytes, want, `${c.id}, ${variant} build, quantized`);
          else bytes.forEach((b, i) => ok(loose.has(Math.floor(i / 18)) && i % 18 >= 2 ? true : b === want[i], `${c.id} byte ${i}, ${variant} build`));
          if (c.dequantized) { // ggml has no dequantizer for Q8_1
            const got = q.dequantize(format, want, c.n * c.nrows);
            const values = blob(c.dequantized, Float32Array);
            if (!loose.size) sameBits(got, values, `${c.id}, ${variant} build, dequantized`);
            else got.forEach((v, i) => ok(loose.has(Math.floor(i / 32)) ? v === values[i] : Object.is(v, values[i]), `${c.id}[${i}], ${variant} build`));
          }
        }
      }
    });
  }

  test("grid i-quants: where ggml aborts (rows near 1e30), quantize throws and the instance stays usable", async () => {
    const { manifest, blob } = await load();
    const q = await env.load();
    const cases = manifest.cases.filter((c) => c.status === "aborted" && GGUF_FORMATS.includes(c.type));
    ok(cases.length >= 18, `${cases.length} aborted reference cases`);
    for (const c of cases) {
      const imatrix = c.imatrix ? blob(c.imatrix_data, Float32Array) : undefined;
      await rejects(() => q.quantize(c.type, blob(c.input, Float32Array), { rowLength: c.n, imatrix }), "INVALID_ARGUMENT", /too large for IQ.*grid search finds no finite fit/);
    }
    const ok2 = manifest.cases.find((c) => c.type === "iq3_s" && c.status === "ok" && !c.imatrix);
    sameBits(q.quantize("iq3_s", blob(ok2.input, Float32Array), { rowLength: ok2.n }), blob(ok2.quantized, Uint8Array), "after the errors");
    await rejects(() => q.quantize("IQ2_XXS", new Float32Array(256).fill(1)), "INVALID_ARGUMENT", /IQ2_XXS needs importance weights/);
  });

  test("grid i-quants: every grid entry dequantizes to ggml's table (iq-tables.json)", async () => {
    const tables = Object.fromEntries(JSON.parse(await needShared(env, "vectors/iq-tables.json", "text")).tables.map((t) => [t.name, t]));
    const q = await env.load();
    // Each block is d = 1 (fp16 0x3c00), scale codes 0, sign bits 0, and grid indices counting up,
    // so value j of entry i is the block factor times lane j of entry i.
    const lanes = (name, i, j, width) => {
      const v = tables[name].values[i];
      return Number((BigInt(typeof v === "string" ? `0x${v.replace(/^0x/, "")}` : v) >> BigInt(width * j)) & ((1n << BigInt(width)) - 1n));
    };
    const cases = [
      { type: "IQ2_XXS", grid: "iq2xxs_grid", entries: 256, bytes: 66, factor: 0.125, per: 32, put: (b, k, i) => (b[2 + 8 * (k >> 2) + (k & 3)] = i) },
      { type: "IQ2_XS", grid: "iq2xs_grid", entries: 512, bytes: 74, factor: 0.125, per: 32, put: (b, k, i) => ((b[2 + 2 * k] = i & 255), (b[3 + 2 * k] = i >> 8)) },
      { type: "IQ2_S", grid: "iq2s_grid", entries: 1024, bytes: 82, factor: 0.125, per: 32, put: (b, k, i) => ((b[2 + k] = i & 255), (b[66 + (k >> 2)] |= (i >> 8) << (2 * (k & 3)))) },
      { type: "IQ3_XXS", grid: "iq3xxs_grid", entries: 256, bytes: 98, factor: 0.25, per: 64, width: 8, lanes4: true, put: (b, k, i) => (b[2 + k] = i) },
      { type: "IQ3_S", grid: "iq3s_grid", entries: 512, bytes: 110, factor: 1, per: 64, width: 8, lanes4: true, put: (b, k, i) => ((b[2 + k] = i & 255), (b[66 + (k >> 3)] |= (i >> 8) << (k & 7))) },
    ];
    for (const c of cases) {
      const blocks = c.entries / c.per;
      const bytes = new Uint8Array(blocks * c.bytes);
      for (let i = 0; i < c.entries; i++) {
        const b = bytes.subarray(Math.floor(i / c.per) * c.bytes, (Math.floor(i / c.per) + 1) * c.bytes);
        b[0] = 0x00;
        b[1] = 0x3c;
        c.put(b, i % c.per, i);
      }
      const got = q.dequantize(c.type, bytes, blocks * 256);
      const per = c.lanes4 ? 4 : 8;
      for (let i = 0; i < c.entries; i++) {
        for (let j = 0; j < per; j++) equal(got[i * per + j], c.factor * lanes(c.grid, i, j, 8), `${c.type} grid entry ${i} lane ${j}`);
      }
    }
    // IQ1_S: delta +1/8, scale 1; entry i's lanes are int8 -1, 0, 1.
    const bytes = new Uint8Array(64 * 50);
    for (let i = 0; i < 2048; i++) {
      const b = bytes.subarray((i >> 5) * 50, ((i >> 5) + 1) * 50), k = i & 31;
      b[0] = 0x00;
      b[1] = 0x3c;
      b[2 + k] = i & 255;
      const at = 34 + 2 * (k >> 2);
      const word = (b[at] | (b[at + 1] << 8)) | ((i >> 8) << (3 * (k & 3)));
      b[at] = word & 255;
      b[at + 1] = word >> 8;
    }
    const got = q.dequantize("IQ1_S", bytes, 64 * 256);
    for (let i = 0; i < 2048; i++) {
      for (let j = 0; j < 8; j++) equal(got[i * 8 + j], ((lanes("iq1s_grid", i, j, 8) << 24) >> 24) + 0.125, `IQ1_S grid entry ${i} lane ${j}`);
    }
  });

  test("vecDot of every format with a dot product: within 1e-5 of ggml's dot, identical in every build; tensor().matvec agrees", async () => {
    const { manifest, blob } = await load();
    const { features } = await env.load();
    const instances = await Promise.all(runnableVariants(features).map((variant) => env.load({ variant })));
    for (const format of DOT_FORMATS) {
      const cases = manifest.cases.filter((c) => c.type === format && c.status === "ok" && c.dot);
      ok(cases.length > 10, `${format}: ${cases.length} reference cases`);
      for (const c of cases) {
        const quantized = blob(c.quantized, Uint8Array);
        const activation = blob(c.activation.quantized, Uint8Array);
        const want = blob(c.dot, Float32Array);
        const rowBytes = quantized.length / c.nrows;
        const a = instances[0].dequantize(c.activation.type, activation, c.n);
        const w = blob(c.dequantized, Float32Array);
        const got = [];
        for (let r = 0; r < c.nrows; r++) {
          const row = quantized.subarray(r * rowBytes, (r + 1) * rowBytes);
          const values = instances.map((q) => q.vecDot(format, row, activation));
          for (const v of values) ok(Object.is(v, values[0]), `${c.id} row ${r}: builds differ (${values.join(", ")})`);
          let scale = 0;
          for (let i = 0; i < c.n; i++) scale += Math.abs(w[r * c.n + i] * a[i]);
          if (Number.isFinite(want[r])) ok(Math.abs(values[0] - want[r]) <= 1e-5 * scale + 1e-30, `${c.id} row ${r}: ${values[0]} vs ggml ${want[r]}`);
          // Block scales that overflowed fp16 (the huge rows): the same infinity as ggml's, or NaN where ggml has NaN.
          else ok(Object.is(values[0], want[r]), `${c.id} row ${r}: ${values[0]} vs ggml ${want[r]}`);
          got.push(values[0]);
        }
        const tensor = instances[instances.length - 1].tensor(format, quantized, [c.nrows, c.n]);
        // Compared as numbers: a NaN has no one bit pattern in JavaScript.
        const matvec = tensor.matvec(blob(c.activation.f32, Float32Array));
        got.forEach((v, r) => ok(Object.is(matvec[r], v), `${c.id} matvec row ${r}: ${matvec[r]} vs ${v}`));
        tensor.free();
      }
    }
  });

  test("vecDot with any Q8 activation codes (-128 too, which ggml's quantizers never write): every build alike, exact sums", async () => {
    const { features } = await env.load();
    const instances = await Promise.all(runnableVariants(features).map((variant) => env.load({ variant })));
    const NEEDS = new Set(["iq2_xxs", "iq2_xs", "iq1_s"]);
    const r = rng(2024), n = 512;
    for (const format of DOT_FORMATS) {
      const name = format.toUpperCase(), act = env.api.ggufType(env.api.ggufType(name).activation);
      const w = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.61) * (1 + (i % 11)));
      const row = instances[0].quantize(name, w, { rowLength: n, imatrix: NEEDS.has(format) ? new Float32Array(n).fill(1) : undefined });
      // Random codes, a third of them -128; scales finite and small; Q8_K's 16-value sums those of its codes.
      const bytes = new Uint8Array((n / act.blockSize) * act.blockBytes), view = new DataView(bytes.buffer);
      for (let b = 0; b < n / act.blockSize; b++) {
        const at = b * act.blockBytes, codes = act.name === "Q8_K" ? at + 4 : at + (act.name === "Q8_1" ? 4 : 2);
        let sum = 0;
        for (let i = 0; i < act.blockSize; i++) {
          const c = r.u32() % 3 === 0 ? -128 : r.int(-128, 127);
          view.setInt8(codes + i, c);
          sum += c;
          if (act.name === "Q8_K" && i % 16 === 15) {
            let s16 = 0;
            for (let k = i - 15; k <= i; k++) s16 += view.getInt8(codes + k);
            view.setInt16(at + 260 + 2 * (i >> 4), s16, true);
          }
        }
        if (act.name === "Q8_K") view.setFloat32(at, 0.001 * (1 + (b % 5)), true);
        else view.setUint16(at, 0x1c00 + 37 * b, true); // fp16 scales near 2^-8
        if (act.name === "Q8_1") view.setUint16(at + 2, 0x2400 + (sum & 0xff), true); // s: only the builds are compared
      }
      const values = instances.map((q) => q.vecDot(name, row, bytes));
      for (const [k, v] of values.entries()) ok(Object.is(v, values[0]), `${name}: ${instances[k].variant} ${v} vs ${instances[0].variant} ${values[0]}`);
      // Against the sum in doubles of the dequantized values (Q8_1's s is not its codes' sum here).
      if (act.name !== "Q8_1") {
        const wd = instances[0].dequantize(name, row, n), ad = instances[0].dequantize(act.name, bytes, n);
        let want = 0, scale = 0;
        for (let i = 0; i < n; i++) { want += wd[i] * ad[i]; scale += Math.abs(wd[i] * ad[i]); }
        ok(Math.abs(values[0] - want) <= 1e-5 * scale, `${name}: ${values[0]} vs ${want} (sum |w a| ${scale})`);
      }
    }
  });

  test("tensor().matmul: activations in pairs give exactly matvec's results, every dot type and build", async () => {
    const features = (await env.load()).features;
    const NEEDS = new Set(["iq2_xxs", "iq2_xs", "iq1_s"]);
    for (const variant of runnableVariants(features)) {
      const q = await env.load({ variant });
      for (const format of DOT_FORMATS) {
        const block = env.api.ggufType(format).blockSize;
        for (const cols of [768, ...(block < 256 && 160 % block === 0 ? [160] : [])]) {
          // 9 rows: GEMV takes four rows a quarter apart (the byte-code formats) then pairs the last one.
          const rows = 9;
          const w = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));
          const imatrix = NEEDS.has(format) ? new Float32Array(cols).fill(1) : undefined;
          const t = q.tensor(format.toUpperCase(), q.quantize(format.toUpperCase(), w, { rowLength: cols, imatrix }), [rows, cols]);
          for (const m of [2, 3, 5]) {
            const x = Float32Array.from({ length: m * cols }, (_, i) => Math.cos(i * 0.11) * (i % 5 === 0 ? 3 : 1));
            const batch = t.matmul(x, m);
            for (let j = 0; j < m; j++) {
              const one = t.matvec(x.subarray(j * cols, (j + 1) * cols));
              for (let r = 0; r < rows; r++) {
                ok(Object.is(batch[j * rows + r], one[r]), `${variant} ${format} ${rows}x${cols} m=${m}: activation ${j} row ${r}: ${batch[j * rows + r]} vs matvec ${one[r]}`);
              }
            }
          }
          t.free();
        }
      }
    }
  });

  test("dequantize of random blocks (codes, scales and sign bits ggml's quantizers never write): every build alike", async () => {
    // The vectors hold only what ggml's quantizers produce; files can hold anything. Random bytes,
    // with each fp16 scale kept finite (bit 14 clear) so that no NaN payload depends on operand order.
    const { features } = await env.load();
    const instances = await Promise.all(runnableVariants(features).map((variant) => env.load({ variant })));
    // Byte offsets of the fp16 scales' high bytes per type (IQ1_M: the top nibble of its last scale word).
    const HIGH = { Q4_1: [1, 3], Q5_1: [1, 3], Q2_K: [81, 83], Q3_K: [109], Q4_K: [1, 3], Q5_K: [1, 3], Q6_K: [209], TQ1_0: [53], TQ2_0: [65], IQ1_M: [55], MXFP4: [], NVFP4: [], Q8_K: [] };
    const r = rng(99);
    for (const name of GGUF_FORMATS.map((f) => f.toUpperCase()).filter((f) => f !== "Q8_1")) {
      const t = env.api.ggufType(name), blocks = 37;
      const raw = Uint8Array.from({ length: blocks * t.blockBytes }, () => r.u32() & 0xff);
      for (let b = 0; b < blocks; b++) for (const at of HIGH[name] ?? [1]) raw[b * t.blockBytes + at] &= 0xbf;
      if (name === "Q8_K") for (let b = 0; b < blocks; b++) raw[b * t.blockBytes + 3] &= 0x3f; // its float32 d, finite and small
      if (name === "MXFP4") for (let b = 0; b < blocks; b++) raw[b * t.blockBytes] &= 0x7f; // E8M0 scales up to 2^0
      const first = instances[0].dequantize(name, raw, blocks * t.blockSize);
      ok(first.every((v) => Number.isFinite(v)), `${name}: finite scales give finite values`);
      for (const q of instances.slice(1)) sameBits(q.dequantize(name, raw, blocks * t.blockSize), first, `${name}, ${q.variant} vs ${instances[0].variant}`);
    }
    // NVFP4's scale byte 0x7f reads as 0 (ggml's ue4m3); 0xff does not.
    const nv = new Uint8Array(36).fill(0x77);
    nv[0] = 0x7f; nv[1] = 0xff; nv[2] = 0x80; nv[3] = 0x08;
    for (const q of instances) {
      const v = q.dequantize("NVFP4", nv, 64);
      ok(v.subarray(0, 16).every((x) => x === 0) && v.subarray(32, 48).every((x) => x === 0), `NVFP4 scales 0x7f and 0x80 give zeros, ${q.variant}`);
      // Code 7 is E2M1 6.0; UE4M3 0xff is (1 + 7/8) * 2^(15 - 7), 0x08 is 2^(1 - 7) (bit 7 is not a sign).
      equal(v[16], 6 * (1 + 7 / 8) * 2 ** 8, `NVFP4 scale 0xff, ${q.variant}`);
      equal(v[48], 6 * 2 ** (1 - 7), `NVFP4 scale 0x08, ${q.variant}`);
    }
  });

  test("Q8_0 / Q8_1 quantizers: ggml's formula on blocks of every scale and on roundf's ties, every build alike", async () => {
    // Blocks of five kinds side by side (the SIMD builds take four blocks at a time, then the rest one
    // by one): ordinary, all zeros (d = 0, so 1/d is taken as 0), subnormal (1/d overflows: C's cast
    // of an infinity leaves a zero byte on x86), a block whose largest value is negative, and one of
    // scale 1 or 2 whose x / d are halves, or a step of 2^-16 either side of them (roundf's ties).
    const { features } = await env.load();
    const instances = await Promise.all(runnableVariants(features).map((variant) => env.load({ variant })));
    const r = rng(77);
    const blocks = 4 * 12 + 3, x = new Float32Array(32 * blocks);
    for (let b = 0; b < blocks; b++) {
      const kind = r.u32() % 5, scale = r.u32() & 1 ? 1 : 0.5;
      for (let j = 0; j < 32; j++) {
        const g = (r.float() - 0.5) * 2;
        const half = (Math.round(g * 127) + 0.5 + [0, 0, 2 ** -16, -(2 ** -16)][r.u32() % 4]) * scale;
        x[32 * b + j] = kind === 0 ? g * 10 : kind === 1 ? 0 : kind === 2 ? g * 1e-39 : kind === 3 ? g - (j === 7 ? 5 : 0) : j === 9 ? -127 * scale : half;
      }
    }
    const f16 = (v) => new Uint8Array(instances[0].f32ToF16(Float32Array.of(v)).buffer);
    for (const [type, bytes, at] of [["Q8_0", 34, 2], ["Q8_1", 36, 4]]) {
      const want = new Uint8Array(blocks * bytes);
      for (let b = 0; b < blocks; b++) {
        let amax = 0;
        for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[32 * b + j]));
        const d = Math.fround(amax / 127), id = d ? Math.fround(1 / d) : 0;
        let sum = 0;
        for (let j = 0; j < 32; j++) {
          const v = Math.fround(x[32 * b + j] * id);
          const q = Number.isFinite(v) ? Math.sign(v) * Math.floor(Math.abs(v) + 0.5) : 0; // roundf, then the cast
          want[b * bytes + at + j] = q & 0xff;
          sum += q;
        }
        want.set(f16(d), b * bytes);
        if (type === "Q8_1") want.set(f16(Math.fround(sum * d)), b * bytes + 2);
      }
      for (const q of instances) sameBits(q.quantize(type, x), want, `${type}, ${q.variant} build`);
    }
    // Q8_K, and the ternary types (roundf of x / max|x|) on the same blocks: every build alike.
    for (const type of ["Q8_K", "TQ1_0", "TQ2_0"]) {
      const k = x.subarray(0, 256 * 6), first = instances[0].quantize(type, k);
      for (const q of instances.slice(1)) sameBits(q.quantize(type, k), first, `${type}, ${q.variant} vs ${instances[0].variant}`);
    }
  });

  test("Q4_0, Q4_1, Q5_0, Q5_1, MXFP4, TQ1_0, TQ2_0 quantizers: ggml's formulas on blocks of every kind, every build alike", async () => {
    // Blocks: ordinary; zeros of both signs; subnormal (1/d overflows: C's cast of an infinity or a
    // NaN leaves a zero byte on x86); >= 0 and <= 0 with zeros of both signs (the minimum or maximum
    // is a zero, whose sign ggml's first-found rule decides); near 3e38 (max - min overflows); constant;
    // MXFP4's midpoints between codes (ties go to the first code); tiny values beside a large one.
    const { features } = await env.load();
    const instances = await Promise.all(runnableVariants(features).map((variant) => env.load({ variant })));
    const r = rng(99);
    const K = 9, blocks = K * 5, x = new Float32Array(32 * blocks);
    const mids = [0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5, 0.5, 3, 6];
    for (let b = 0; b < blocks; b++) {
      const kind = b % K, c = (r.float() - 0.5) * 6;
      for (let j = 0; j < 32; j++) {
        const g = (r.float() - 0.5) * 2, z = r.u32() & 1 ? -0 : 0, s = r.u32() & 1 ? -1 : 1;
        x[32 * b + j] = [g * 10, z, g * 1e-39, j % 5 ? Math.abs(g) : z, j % 5 ? -Math.abs(g) : z, g * 3.4e38, c,
          j === 0 ? 6 : s * mids[r.u32() % mids.length], j === 3 ? 1000 : g * 1e-6][kind];
      }
    }
    const F = Math.fround, f16 = (v) => new Uint8Array(instances[0].f32ToF16(Float32Array.of(v)).buffer);
    const cast = (v) => (Math.abs(v) < 2 ** 31 ? Math.trunc(v) : -(2 ** 31)); // C's cast as x86 runs it
    const int8 = (v) => (cast(v) << 24) >> 24;
    const scan = (xb) => {
      let amax = 0, m = 0, lo = 3.4028234663852886e38, hi = -lo;
      for (const v of xb) {
        if (amax < Math.abs(v)) [amax, m] = [Math.abs(v), v];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      return { m, lo, hi };
    };
    const formats = {
      Q4_0: [18, (xb, out) => {
        const d = F(scan(xb).m / -8), id = d ? F(1 / d) : 0, q = (v) => Math.min(15, int8(F(F(v * id) + 8.5)));
        out.set(f16(d));
        for (let j = 0; j < 16; j++) out[2 + j] = ((q(xb[j]) & 0xf) | (q(xb[j + 16]) << 4)) & 0xff;
      }],
      Q5_0: [22, (xb, out) => {
        const d = F(scan(xb).m / -16), id = d ? F(1 / d) : 0, q = (v) => Math.min(31, int8(F(F(v * id) + 16.5)));
        out.set(f16(d));
        let qh = 0;
        for (let j = 0; j < 16; j++) {
          const q0 = q(xb[j]), q1 = q(xb[j + 16]);
          out[6 + j] = ((q0 & 0xf) | ((q1 & 0xf) << 4)) & 0xff;
          qh |= (((q0 & 0x10) >> 4) << j) | (((q1 & 0x10) >> 4) << (j + 16));
        }
        new DataView(out.buffer, out.byteOffset).setUint32(2, qh >>> 0, true);
      }],
      Q4_1: [20, (xb, out) => {
        const { lo, hi } = scan(xb), d = F(F(hi - lo) / 15), id = d ? F(1 / d) : 0;
        const q = (v) => Math.min(15, int8(F(F(F(v - lo) * id) + 0.5)));
        out.set(f16(d));
        out.set(f16(lo), 2);
        for (let j = 0; j < 16; j++) out[4 + j] = ((q(xb[j]) & 0xff) | (q(xb[j + 16]) << 4)) & 0xff;
      }],
      Q5_1: [24, (xb, out) => {
        const { lo, hi } = scan(xb), d = F(F(hi - lo) / 31), id = d ? F(1 / d) : 0;
        const q = (v) => cast(F(F(F(v - lo) * id) + 0.5)) & 0xff;
        out.set(f16(d));
        out.set(f16(lo), 2);
        let qh = 0;
        for (let j = 0; j < 16; j++) {
          const q0 = q(xb[j]), q1 = q(xb[j + 16]);
          out[8 + j] = (q0 & 0xf) | ((q1 & 0xf) << 4);
          qh |= (((q0 & 0x10) >> 4) << j) | (((q1 & 0x10) >> 4) << (j + 16));
        }
        new DataView(out.buffer, out.byteOffset).setUint32(4, qh >>> 0, true);
      }],
    };
    const FP4 = [0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12];
    formats.MXFP4 = [17, (xb, out) => {
      const amax = Math.max(...xb.map(Math.abs));
      const e = amax > 0 ? (Math.floor(F(Math.log2(amax))) - 2 + 127) & 0xff : 0;
      const d = e < 2 ? 2 ** -149 * (0x00200000 << e) : 2 ** (e - 128); // ggml's halved E8M0 scale
      const code = (v) => {
        let best = 0;
        for (let i = 1; i < 16; i++) if (Math.abs(F(F(FP4[i] * d) - v)) < Math.abs(F(F(FP4[best] * d) - v))) best = i;
        return best;
      };
      out[0] = e;
      for (let j = 0; j < 16; j++) out[1 + j] = code(xb[j]) | (code(xb[j + 16]) << 4);
    }];
    for (const [type, [bytes, quantize]] of Object.entries(formats)) {
      const want = new Uint8Array(blocks * bytes);
      for (let b = 0; b < blocks; b++) quantize(x.subarray(32 * b, 32 * (b + 1)), want.subarray(b * bytes, (b + 1) * bytes));
      for (const q of instances) {
        const got = q.quantize(type, x);
        for (let b = 0; b < blocks; b++) {
          const g = got.subarray(b * bytes, (b + 1) * bytes), w = want.subarray(b * bytes, (b + 1) * bytes);
          ok(g.every((v, i) => v === w[i]), `${type} block ${b} (kind ${b % K}), ${q.variant} build: ${g} want ${w}`);
        }
      }
    }
    // TQ2_0 (blocks of 256): the blocks above, one of halves (roundf's ties go away from zero), one
    // subnormal, one of zeros.
    const t = new Float32Array(256 * 8);
    t.set(x.subarray(0, 256 * 5));
    for (let j = 0; j < 256; j++) {
      t[1280 + j] = j === 9 ? 1 : [0.5, -0.5, 0.25, -0.75][j % 4];
      t[1536 + j] = (r.float() - 0.5) * 1e-39;
      t[1792 + j] = r.u32() & 1 ? -0 : 0;
    }
    const tq = new Uint8Array(8 * 66);
    for (let b = 0; b < 8; b++) {
      const xb = t.subarray(256 * b, 256 * (b + 1)), d = Math.max(...xb.map(Math.abs)), id = d ? F(1 / d) : 0;
      const q = (v) => {
        const w = F(v * id);
        return ((Number.isFinite(w) ? Math.sign(w) * Math.floor(Math.abs(w) + 0.5) : -(2 ** 31)) + 1) & 3;
      };
      for (let j = 0; j < 2; j++) for (let m = 0; m < 32; m++) {
        let byte = 0;
        for (let n = 0; n < 4; n++) byte |= q(xb[128 * j + m + 32 * n]) << (2 * n);
        tq[66 * b + 32 * j + m] = byte;
      }
      tq.set(f16(d), 66 * b + 64);
    }
    for (const q of instances) sameBits(q.quantize("TQ2_0", t), tq, `TQ2_0, ${q.variant} build`);
    // TQ1_0 on the same blocks: 5 trits a byte (4 in the last 4 bytes), as the base-3 fraction rounded up.
    const t1 = new Uint8Array(8 * 54), pack = (q) => Math.floor(((q & 0xff) * 256 + 242) / 243) & 0xff;
    for (let b = 0; b < 8; b++) {
      const xb = t.subarray(256 * b, 256 * (b + 1)), d = Math.max(...xb.map(Math.abs)), id = d ? F(1 / d) : 0;
      const trit = (v) => {
        const w = F(v * id);
        return (Number.isFinite(w) ? Math.sign(w) * Math.floor(Math.abs(w) + 0.5) : -(2 ** 31)) + 1;
      };
      const digits = (at, count, stride) => { let q = 0; for (let n = 0; n < count; n++) q = q * 3 + trit(xb[at + n * stride]); return q; };
      for (let m = 0; m < 32; m++) t1[54 * b + m] = pack(digits(m, 5, 32));
      for (let m = 0; m < 16; m++) t1[54 * b + 32 + m] = pack(digits(160 + m, 5, 16));
      for (let j = 0; j < 4; j++) t1[54 * b + 48 + j] = pack(digits(240 + j, 4, 4) * 3);
      t1.set(f16(d), 54 * b + 52);
    }
    for (const q of instances) sameBits(q.quantize("TQ1_0", t), t1, `TQ1_0, ${q.variant} build`);
  });

  test("Q8_K, Q4_0, Q5_0 scales: ggml's first value of largest magnitude, ties of both signs included", async () => {
    // Their d comes from the value m of largest |x|, the first one under ggml's strict compare: with
    // +a and -a both present, the one that comes first. Blocks of ties either way round, zeros with
    // -0, outliers of either sign; d computed here from ggml's formulas.
    const { features } = await env.load();
    const instances = await Promise.all(runnableVariants(features).map((variant) => env.load({ variant })));
    const r = rng(123);
    const f16 = (v) => new Uint8Array(instances[0].f32ToF16(Float32Array.of(v)).buffer);
    const f32 = (v) => new Uint8Array(Float32Array.of(v).buffer);
    for (const [type, size, bytes, scale] of [
      ["Q8_K", 256, 292, (m) => f32(m === 0 ? 0 : Math.fround(1 / Math.fround(-127 / m)))],
      ["Q4_0", 32, 18, (m) => f16(Math.fround(m / -8))],
      ["Q5_0", 32, 22, (m) => f16(Math.fround(m / -16))],
    ]) {
      const blocks = 29, x = new Float32Array(size * blocks), want = [];
      for (let b = 0; b < blocks; b++) {
        const kind = b % 5, xb = x.subarray(size * b, size * (b + 1));
        for (let j = 0; j < size; j++) xb[j] = kind === 3 ? (r.u32() & 1 ? -0 : 0) : (r.float() - 0.5) * 4;
        const p = r.u32() % size, q = (p + 1 + (r.u32() % (size - 1))) % size, a = 3 + r.float();
        if (kind === 0 || kind === 1) [xb[p], xb[q]] = kind === 0 ? [a, -a] : [-a, a];
        if (kind === 2) xb[p] = r.u32() & 1 ? -a : a;
        let amax = 0, m = 0;
        for (const v of xb) if (amax < Math.abs(v)) [amax, m] = [Math.abs(v), v];
        want.push(scale(m));
      }
      for (const inst of instances) {
        const out = inst.quantize(type, x);
        for (let b = 0; b < blocks; b++) {
          const d = out.subarray(b * bytes, b * bytes + want[b].length);
          ok(d.every((v, i) => v === want[b][i]), `${type} block ${b} (kind ${b % 5}), ${inst.variant}: d bytes ${d} want ${want[b]}`);
        }
        sameBits(out, instances[0].quantize(type, x), `${type}, ${inst.variant} vs ${instances[0].variant}`);
      }
    }
  });

  test("tensor(): small batches, bad shapes, freed tensors", async () => {
    const q = await env.load();
    const rows = 3, cols = 64;
    const w = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i));
    const t = q.tensor("Q8_0", q.quantize("Q8_0", w, { rowLength: cols }), [rows, cols]);
    const x = Float32Array.from({ length: 2 * cols }, (_, i) => Math.cos(i));
    const batch = t.matmul(x, 2);
    sameBits(batch.subarray(0, rows), t.matvec(x.subarray(0, cols)));
    sameBits(batch.subarray(rows), t.matvec(x.subarray(cols)));
    await rejects(() => t.matvec(new Float32Array(63)), "LENGTH_MISMATCH", /1 rows of 64 take 64/);
    await rejects(() => q.tensor("Q8_0", new Uint8Array(10), [1, 32]), "LENGTH_MISMATCH", /takes 34 bytes, got 10/);
    await rejects(() => q.tensor("Q8_0", new Uint8Array(34), [1, 33]), "LENGTH_MISMATCH", /cols 33/);
    await rejects(() => q.tensor("F16", new Uint8Array(512), [1, 256]), "UNSUPPORTED_OPERATION", /F16/);
    await rejects(() => q.tensor("Q8_K", new Uint8Array(292), [1, 256]), "UNSUPPORTED_OPERATION", /Q8_K/);
    await rejects(() => q.vecDot("Q4_K", new Uint8Array(144), new Uint8Array(34)), "LENGTH_MISMATCH", /256 Q4_K values take an activation of 292 Q8_K bytes, got 34/);
    t.free();
    await rejects(() => t.matvec(x.subarray(0, cols)), "INVALID_HANDLE", /freed/);
  });

  test("dequantize reads and writes resident buffers in place", async () => {
    const q = await env.load();
    const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
    const bytes = q.quantize("Q4_0", x);
    const resident = q.upload(bytes);
    const out = q.alloc(64 * 4);
    equal(q.dequantize("Q4_0", resident, 64, { out }), out);
    sameBits(out.view(Float32Array), q.dequantize("Q4_0", bytes, 64));
    const f32 = q.dequantize("F32", q.upload(q.quantize("F32", x)), 64);
    sameBits(f32, x);
    await rejects(() => q.dequantize("Q4_0", bytes, 64, { out: new Float32Array(63) }), "LENGTH_MISMATCH", /out has 63 elements/);
    resident.free();
    await rejects(() => q.dequantize("Q4_0", resident, 64), "INVALID_HANDLE", /freed/);
    out.free();
  });

  test("quantize reads and writes resident buffers in place; a buffer cannot be input and output at once", async () => {
    const q = await env.load();
    const x = Float32Array.from({ length: 512 }, (_, i) => Math.sin(i * 0.7) * (1 + (i % 5)));
    for (const type of ["Q8_0", "Q4_K", "F32", "F16"]) {
      const expected = q.quantize(type, x);
      const rx = q.upload(x), out = q.alloc(expected.length);
      equal(q.quantize(type, rx, { out }), out);
      sameBits(out.view(Uint8Array), expected);
      sameBits(q.quantize(type, rx), expected);
      const into = new Uint8Array(expected.length);
      equal(q.quantize(type, x, { out: into }), into);
      sameBits(into, expected);
      rx.free();
      out.free();
    }
    const rx = q.upload(x), before = rx.view(Uint8Array).slice();
    await rejects(() => q.quantize("Q8_0", rx, { out: q.alloc(543) }), "LENGTH_MISMATCH", /out holds 543 bytes, the result needs 544/);
    await rejects(() => q.quantize("Q8_0", x, { out: new Uint8Array(545) }), "LENGTH_MISMATCH", /out has 545 elements/);
    await rejects(() => q.quantize("Q8_0", q.alloc(6)), "LENGTH_MISMATCH", /x holds 6 bytes/);
    rx.view(Float32Array)[300] = -Infinity;
    await rejects(() => q.quantize("Q8_0", rx), "INVALID_ARGUMENT", /x\[300\] is -Infinity/);
    rx.view(Float32Array)[300] = x[300];
    // In place would overwrite x while it is read: refused before anything is written.
    const f32 = q.alloc(2048);
    await rejects(() => q.quantize("F32", rx, { out: rx }), "INVALID_ARGUMENT", /x is both an input and the output/);
    await rejects(() => q.dequantize("F32", rx, 512, { out: rx }), "INVALID_ARGUMENT", /is both an input and the output/);
    sameBits(rx.view(Uint8Array), before);
    equal(q.dequantize("F32", rx, 512, { out: f32 }), f32);
    sameBits(f32.view(Float32Array), x);
    rx.free();
    f32.free();
    await rejects(() => q.quantize("Q8_0", rx), "INVALID_HANDLE", /freed/);
  });

  test("GGUF types by name or id; F32, F16 and BF16 round-trip through quantize/dequantize", async () => {
    const q = await env.load();
    const x = Float32Array.of(1, -2.5, 65504, 1e-8);
    sameBits(q.dequantize("F32", q.quantize("F32", x), 4), x);
    sameBits(new Uint16Array(q.quantize("f16", x).buffer), q.f32ToF16(x));
    sameBits(new Uint16Array(q.quantize(30, x).buffer), q.f32ToBf16(x));
    // 127 / 128 has d = 1 / 128, exact in fp16, so it survives the round trip exactly.
    sameBits(q.dequantize(8, q.quantize("Q8_0", new Float32Array(32).fill(127 / 128)), 32), new Float32Array(32).fill(127 / 128));
  });

  test("kernels allocate nothing: many grid dequantizations leave a resident tensor's bytes intact", async () => {
    // An array literal inside a kernel once allocated 48 bytes a call from AssemblyScript's runtime,
    // walking over the memory the TypeScript side owns; 12000 calls reach well past the scratch area.
    const q = await env.load();
    const w = Float32Array.from({ length: 64 * 256 }, (_, i) => Math.sin(i) * 3), a = Float32Array.from({ length: 256 }, (_, i) => Math.cos(i));
    const t = q.tensor("Q8_0", q.quantize("Q8_0", w), [64, 256]);
    const before = t.matvec(a);
    const bytes = q.quantize("IQ2_XXS", w.subarray(0, 256), { imatrix: new Float32Array(256).fill(1) }), first = q.dequantize("IQ2_XXS", bytes, 256);
    for (let i = 0; i < 12000; i++) q.dequantize("IQ2_XXS", bytes, 256);
    sameBits(q.dequantize("IQ2_XXS", bytes, 256), first, "dequantized");
    sameBits(t.matvec(a), before, "matvec after the dequantizations");
    t.free();
  });

  test("NaNs: an infinite scale makes x86's NaN on every machine, a NaN scale carries its own", async () => {
    const q = await env.load();
    // Q8_0 blocks: +inf scale over codes 0 and 1, then a positive quiet NaN scale (0x7e01).
    const bytes = new Uint8Array(68);
    bytes.set([0x00, 0x7c], 0);
    bytes[3] = 1;
    bytes.set([0x01, 0x7e], 34);
    const bits = new Uint32Array(q.dequantize("Q8_0", bytes, 64).buffer);
    equal(bits[0].toString(16), "ffc00000");
    equal(bits[1].toString(16), "7f800000");
    equal(bits[32].toString(16), "7fc02000");
    const t = q.tensor("Q8_0", bytes, [2, 32]), y = t.matvec(new Float32Array(32).fill(1));
    t.free();
    // Row 0 sums to 1 * inf; row 1's NaN total, whatever the order of the sums, is x86's NaN.
    equal(new Uint32Array(y.buffer)[0].toString(16), "7f800000");
    equal(new Uint32Array(y.buffer)[1].toString(16), "ffc00000");
  });

  test("bad GGUF input throws precise QsimdErrors", async () => {
    const q = await env.load();
    await rejects(() => q.quantize("Q4_7", new Float32Array(32)), "UNKNOWN_TYPE", /"Q4_7" is not a GGUF tensor type/);
    await rejects(() => q.quantize(99, new Float32Array(32)), "UNKNOWN_TYPE");
    await rejects(() => q.quantize("IQ1_S", new Float32Array(256)), "INVALID_ARGUMENT", /IQ1_S needs importance weights/);
    await rejects(() => q.quantize("Q8_0", new Float32Array(33)), "LENGTH_MISMATCH", /blocks of 32 values; the length of x 33/);
    await rejects(() => q.quantize("Q8_0", new Float32Array(96), { rowLength: 64 }), "LENGTH_MISMATCH", /not a whole number of rows of 64/);
    await rejects(() => q.quantize("Q8_0", Float32Array.of(...new Array(31).fill(0), NaN)), "INVALID_ARGUMENT", /x\[31\] is NaN/);
    await rejects(() => q.quantize("Q4_K", new Float32Array(512), { rowLength: 256, imatrix: new Float32Array(255) }), "LENGTH_MISMATCH", /imatrix holds 255 weights, one per column takes 256/);
    await rejects(() => q.quantize("Q4_K", new Float32Array(256), { imatrix: new Float32Array(256).fill(-1) }), "INVALID_ARGUMENT", /imatrix\[0\] is -1/);
    await rejects(() => q.quantize("Q4_K", new Float32Array(256), { imatrix: new Float32Array(256).fill(NaN) }), "INVALID_ARGUMENT", /imatrix\[0\] is NaN/);
    await rejects(() => q.quantize("Q4_K", new Float32Array(256), { imatrix: new Float64Array(256) }), "INVALID_ARGUMENT", /imatrix must be a Float32Array/);
    await rejects(() => q.dequantize("Q8_0", new Uint8Array(33), 32), "LENGTH_MISMATCH", /32 Q8_0 values take 34 bytes, got 33/);
    await rejects(() => q.dequantize("Q8_0", new Int8Array(34), 32), "INVALID_ARGUMENT", /bytes must be a Uint8Array/);
    // Every kind of non-finite value, at every position of the vector scan's chunks and the scalar
    // tail, after a non-finite value later on: the first one is named. The largest finite floats pass.
    const bits = new Uint32Array(1), f = new Float32Array(bits.buffer);
    const nonFinite = [0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0xffffffff].map((b) => ((bits[0] = b), f[0]));
    for (const at of [0, 5, 15, 16, 47, 63, 64, 95]) {
      const x = new Float32Array(96).fill(-3.4028234663852886e38);
      x[95] = NaN;
      for (const v of nonFinite) {
        x[at] = v;
        await rejects(() => q.quantize("Q8_0", x), "INVALID_ARGUMENT", new RegExp(`x\\[${at}\\] is (NaN|-?Infinity)`));
      }
    }
    equal(q.quantize("Q8_0", Float32Array.of(...new Array(16).fill(3.4028234663852886e38), ...new Array(16).fill(-3.4028234663852886e38))).length, 34);
    // Subnormal inputs make 1/d overflow in ggml's formula; the result follows C's cast, never a trap.
    const tiny = new Float32Array(32).fill(1e-40);
    equal(q.quantize("Q8_0", tiny).length, 34);
    equal(q.quantize("Q4_0", tiny).length, 18);
  });
}
