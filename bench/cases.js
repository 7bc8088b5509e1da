// The benchmark cases, shared by every runner (no Node APIs). A case makes its data once per
// instance and returns what to time: `qsimd` in that instance, and where it applies `js`, the
// plain-JavaScript loop a user would write. `work` is what one call does (MACs, bytes of weights,
// elements); `roofline` names the memory roofline the call is held against; `quick` cases make up
// the one-minute suite.
import { dotJs, f32ToF16Js, gemvGgufJs, gemvJs, quantizePerAxisJs } from "./baselines.js";
import { axisScales, bytes, floats } from "./data.js";

const MiB = 2 ** 20;

// GGUF formats with a dot product: values and bytes per block, activation format.
const GEMV_FORMATS = {
  Q4_0: [32, 18, "Q8_0"], Q4_1: [32, 20, "Q8_1"], Q5_0: [32, 22, "Q8_0"], Q5_1: [32, 24, "Q8_1"], Q8_0: [32, 34, "Q8_0"],
  Q2_K: [256, 84, "Q8_K"], Q3_K: [256, 110, "Q8_K"], Q4_K: [256, 144, "Q8_K"], Q5_K: [256, 176, "Q8_K"], Q6_K: [256, 210, "Q8_K"],
  IQ4_NL: [32, 18, "Q8_0"], IQ4_XS: [256, 136, "Q8_K"], TQ1_0: [256, 54, "Q8_K"], TQ2_0: [256, 66, "Q8_K"],
  MXFP4: [32, 17, "Q8_0"], NVFP4: [64, 36, "Q8_0"], Q1_0: [128, 18, "Q8_0"], Q2_0: [64, 18, "Q8_0"],
  IQ2_XXS: [256, 66, "Q8_K"], IQ2_XS: [256, 74, "Q8_K"], IQ2_S: [256, 82, "Q8_K"], IQ3_XXS: [256, 98, "Q8_K"],
  IQ3_S: [256, 110, "Q8_K"], IQ1_S: [256, 50, "Q8_K"], IQ1_M: [256, 56, "Q8_K"],
};
// Bytes of n values of a GGUF type (the activation formats are not in GEMV_FORMATS).
function blockBytesOf(type, n) {
  const [size, bytes] = GEMV_FORMATS[type] ?? { Q8_1: [32, 36], Q8_K: [256, 292] }[type];
  return (n / size) * bytes;
}
const QUICK_GEMV = ["Q4_0", "Q8_0", "Q4_K", "Q6_K", "IQ4_NL", "TQ2_0"];
const GRID_FORMATS = ["IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S", "IQ1_S", "IQ1_M"];

// Where each format keeps its fp16 scale (byte offset of the high byte), for random test blocks.
const SCALE_HIGH_BYTE = { Q2_K: 81, Q3_K: 109, Q6_K: 209, TQ1_0: 53, TQ2_0: 65, IQ1_M: 55, MXFP4: -1, NVFP4: -1 };

/** Random blocks with a small finite fp16 scale where the format has one. */
function gridBlocks(type, blocks, blockBytes) {
  const out = bytes(blocks * blockBytes, 15);
  const high = SCALE_HIGH_BYTE[type] ?? 1;
  if (high < 0) return out;
  for (let b = 0; b < blocks; b++) {
    const at = b * blockBytes + high;
    out[at] = (out[at] & 0x83) | 0x20; // exponent bits of the fp16 d: a value near 2^-7
  }
  return out;
}

/** The rooflines: wasm read, write and copy bandwidth, beyond the caches and within them. */
export const rooflines = [
  { name: "read 64 MiB", bytes: 64 * MiB, quick: true },
  { name: "read 8 MiB", bytes: 8 * MiB, quick: true },
  // The size of a 4096 x 4096 matrix in qsimd's packed forms (5-19 MB): what its GEMV streams.
  { name: "read 16 MiB", bytes: 16 * MiB, quick: true },
  { name: "read 512 KiB", bytes: 512 * 1024 },
  // What the dequantizers write: 1M floats (in cache) and 16M floats (beyond it).
  { name: "write 4 MiB", bytes: 4 * MiB, mode: "write", quick: true },
  { name: "write 64 MiB", bytes: 64 * MiB, mode: "write" },
  { name: "copy 64 MiB", bytes: 64 * MiB, mode: "copy" },
  { name: "copy 8 MiB", bytes: 8 * MiB, mode: "copy" },
];

function gemm(k, n, m, aType, quick) {
  const matrixBytes = k * n;
  return {
    name: `matmulInteger ${aType} x int8, ${m} x ${k} x ${n}${m === 1 ? " (GEMV)" : ""}`,
    group: "int8 products",
    quick,
    roofline: matrixBytes > 32 * MiB ? "read 64 MiB" : "read 8 MiB",
    work: { macs: m * k * n, bytes: matrixBytes },
    make(q) {
      const b = q.upload(new Int8Array(bytes(k * n, 1).buffer));
      const aData = aType === "uint8" ? bytes(m * k, 2) : new Int8Array(bytes(m * k, 2).buffer);
      const a = q.upload(aData);
      const za = aType === "uint8" ? 128 : 0;
      const out = q.alloc(m * n * 4);
      const options = { m, k, n, aType, bType: "int8", aZeroPoint: za, out };
      const bJs = new Int8Array(bytes(k * n, 1).buffer);
      const y = new Int32Array(n);
      return {
        qsimd: () => q.matmulInteger(a, b, options),
        js: m === 1 ? () => gemvJs(aData, za, bJs, k, n, y) : undefined,
        free: () => [a, b, out].forEach((x) => x.free()),
      };
    },
  };
}

function perAxis(kind, axis, resident, quick) {
  const n = 4096 * 4096;
  const scale = axisScales();
  return {
    name: `${kind} int8 per axis, 4096 x 4096, axis ${axis}${axis === 1 ? " (last)" : ""}, ${resident ? "resident" : "arrays"}`,
    group: "linear quantization",
    quick,
    // Dequantizing, the floats written outweigh the codes read: held against writing.
    ...(kind === "dequantizeLinear" && resident ? { roofline: "write 64 MiB" } : {}),
    work: { elements: n, bytes: 5 * n },
    make(q) {
      if (kind === "quantizeLinear") {
        const data = floats(n, 5);
        const x = resident ? q.upload(data) : data;
        const out = resident ? q.alloc(n) : new Int8Array(n);
        const options = { type: "int8", shape: [4096, 4096], axis, scale, out };
        const jsOut = new Int8Array(n);
        return {
          qsimd: () => q.quantizeLinear(x, options),
          js: () => quantizePerAxisJs(data, 4096, 4096, axis, scale, jsOut),
          free: () => resident && [x, out].forEach((b) => b.free()),
        };
      }
      const data = new Int8Array(bytes(n, 6).buffer);
      const codes = resident ? q.upload(data) : data;
      const out = resident ? q.alloc(n * 4) : new Float32Array(n);
      const options = { type: "int8", shape: [4096, 4096], axis, scale, out };
      return { qsimd: () => q.dequantizeLinear(codes, options), free: () => resident && [codes, out].forEach((b) => b.free()) };
    },
  };
}

function dequantizeGguf(type, n, quick) {
  const [blockSize, blockBytes] = GEMV_FORMATS[type];
  return {
    name: `GGUF dequantize ${type}, ${n / MiB}M values, resident`, group: "GGUF", quick,
    roofline: n > MiB ? "write 64 MiB" : "write 4 MiB", work: { elements: n, bytes: 4 * n + blockBytesOf(type, n) },
    make(q) {
      // Well-formed random blocks: the values they decode to do not matter for the timing.
      const resident = q.upload(gridBlocks(type, n / blockSize, blockBytes));
      const options = { out: q.alloc(n * 4) };
      return { qsimd: () => q.dequantize(type, resident, n, options), free: () => [resident, options.out].forEach((b) => b.free()) };
    },
  };
}

function ggufGemv(type, rows, quick) {
  const [blockSize, blockBytes, activation] = GEMV_FORMATS[type];
  const matrixBytes = rows * (4096 / blockSize) * blockBytes;
  return {
    name: `GGUF ${type} x ${activation} GEMV ${rows} x 4096`,
    group: "GGUF", quick, roofline: matrixBytes > 32 * MiB ? "read 64 MiB" : "read 16 MiB",
    work: { macs: rows * 4096, bytes: matrixBytes },
    make(q) {
      // The grid i-quants have no quantizer here yet: their rows come from well-formed random blocks.
      const bytes = GRID_FORMATS.includes(type) ? gridBlocks(type, rows * (4096 / blockSize), blockBytes) : q.quantize(type, floats(rows * 4096, 11), { rowLength: 4096 });
      const tensor = q.tensor(type, bytes, [rows, 4096]);
      const x = floats(4096, 12);
      const out = new Float32Array(rows);
      const y = new Float32Array(rows);
      return {
        qsimd: () => tensor.matvec(x, out),
        js: rows === 4096 && (type === "Q4_0" || type === "Q8_0") ? () => gemvGgufJs(type, bytes, rows, 4096, x, y) : undefined,
        free: () => tensor.free(),
      };
    },
  };
}

export const cases = [
  gemm(4096, 4096, 1, "uint8", true),
  gemm(4096, 16384, 1, "uint8", true),
  gemm(4096, 4096, 1, "int8", true),
  gemm(4096, 4096, 8, "uint8", true),
  gemm(1024, 1024, 1, "uint8", false),
  gemm(4096, 4096, 16, "int8", false),
  // GEMV of every GGUF format with a dot product (activation quantized inside, as ggml does).
  ...Object.keys(GEMV_FORMATS).map((type) => ggufGemv(type, 4096, QUICK_GEMV.includes(type))),
  // Beyond the cache (a 7B model's matrices are this size or larger): bandwidth, not the kernel, decides.
  ...["Q4_0", "Q8_0", "Q4_K", "Q6_K"].map((type) => ggufGemv(type, 16384, false)),
  // Small batches: 8 activations against one weight matrix (a prompt's tokens, a batch of queries).
  ...["Q8_0", "Q6_K", "Q4_0", "Q4_K", "IQ2_XS"].map((type) => {
    const [blockSize, blockBytes, activation] = GEMV_FORMATS[type];
    return {
      name: `GGUF ${type} x ${activation} matmul 8 x 4096 x 4096`,
      group: "GGUF", quick: type === "Q8_0", roofline: "read 8 MiB",
      work: { macs: 8 * 4096 * 4096, bytes: 4096 * (4096 / blockSize) * blockBytes },
      make(q) {
        const bytes = GRID_FORMATS.includes(type) ? gridBlocks(type, 4096 * (4096 / blockSize), blockBytes) : q.quantize(type, floats(4096 * 4096, 11), { rowLength: 4096 });
        const tensor = q.tensor(type, bytes, [4096, 4096]);
        const x = floats(8 * 4096, 12);
        const out = new Float32Array(8 * 4096);
        return { qsimd: () => tensor.matmul(x, 8, out), free: () => tensor.free() };
      },
    };
  }),
  // GGUF quantize / dequantize of 1M values (arrays in and out), every type qsimd implements.
  // Bytes moved: the floats read and the blocks written (held against the copy roofline).
  ...["Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q8_K", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS", "TQ1_0", "TQ2_0", "MXFP4"].map((type) => ({
    name: `GGUF quantize ${type}, 1M values`, group: "GGUF", quick: type === "Q4_0", roofline: "copy 8 MiB",
    work: { elements: MiB, bytes: 4 * MiB + blockBytesOf(type, MiB) },
    make(q) {
      const x = floats(MiB, 13);
      return { qsimd: () => q.quantize(type, x) };
    },
  })),
  // The activation quantizers with x and out resident (as inside GEMV, with no copies): 1M values
  // in cache and 16M (64 MiB of floats) beyond it, held against copying.
  ...["Q8_0", "Q8_1", "Q8_K"].flatMap((type) => [MiB, 16 * MiB].map((n) => ({
    name: `GGUF quantize ${type}, ${n / MiB}M values, resident`, group: "GGUF", quick: false,
    roofline: n > MiB ? "copy 64 MiB" : "copy 8 MiB", work: { elements: n, bytes: 4 * n + blockBytesOf(type, n) },
    make(q) {
      const x = q.upload(floats(n, 13));
      const options = { out: q.alloc(blockBytesOf(type, n)) };
      return { qsimd: () => q.quantize(type, x, options), free: () => [x, options.out].forEach((b) => b.free()) };
    },
  }))),
  // With importance weights (llama-quantize --imatrix): the scale and grid searches, 64K values.
  ...["Q4_K", "Q6_K", "IQ4_XS", "IQ2_XS", "IQ3_S", "IQ1_M"].map((type) => ({
    name: `GGUF quantize ${type} with imatrix, 64K values`, group: "GGUF", quick: false, work: { elements: 65536 },
    make(q) {
      const x = floats(65536, 14);
      const imatrix = Float32Array.from({ length: 4096 }, (_, i) => 0.5 + (i % 13));
      return { qsimd: () => q.quantize(type, x, { rowLength: 4096, imatrix }) };
    },
  })),
  // GGUF dequantize, every type: 1M values in cache, 16M (64 MiB of floats) beyond it for a few.
  // Bytes: the blocks read and the floats written, held against writing (reads run as fast or faster).
  ...Object.keys(GEMV_FORMATS).map((type) => dequantizeGguf(type, MiB, type === "Q4_K")),
  ...["Q8_0", "Q4_K", "Q6_K", "IQ2_XXS", "IQ4_XS"].map((type) => dequantizeGguf(type, 16 * MiB, false)),
  {
    name: "dotI8, n = 4096 (arrays copied in)", group: "int8 products", quick: true, work: { macs: 4096 },
    make(q) {
      const a = new Int8Array(bytes(4096, 3).buffer);
      const b = new Int8Array(bytes(4096, 4).buffer);
      return { qsimd: () => q.dotI8(a, b), js: () => dotJs(a, b) };
    },
  },
  perAxis("quantizeLinear", 0, true, true),
  perAxis("quantizeLinear", 1, true, true),
  perAxis("quantizeLinear", 0, false, false),
  perAxis("quantizeLinear", 1, false, false),
  perAxis("dequantizeLinear", 0, true, true),
  perAxis("dequantizeLinear", 1, true, true),
  perAxis("dequantizeLinear", 1, false, false),
  ...[true, false].map((resident) => ({
    name: `dynamicQuantizeLinear, 1M elements, ${resident ? "resident" : "arrays"}`, group: "linear quantization", quick: resident, work: { elements: MiB },
    make(q) {
      const data = floats(MiB, 7);
      const x = resident ? q.upload(data) : data;
      const options = resident ? { out: q.alloc(MiB) } : {};
      return { qsimd: () => q.dynamicQuantizeLinear(x, options), free: () => resident && [x, options.out].forEach((b) => b.free()) };
    },
  })),
  {
    name: "f32ToF16, 1M elements", group: "conversions", quick: true, work: { elements: MiB },
    make(q) {
      const x = floats(MiB, 8);
      const out = new Uint16Array(MiB);
      return { qsimd: () => q.f32ToF16(x, out), js: () => f32ToF16Js(x, out) };
    },
  },
  ...["f16ToF32", "f32ToBf16", "bf16ToF32"].map((fn) => ({
    name: `${fn}, 1M elements`, group: "conversions", quick: false, work: { elements: MiB },
    make(q) {
      const input = fn === "f32ToBf16" ? floats(MiB, 9) : new Uint16Array(bytes(2 * MiB, 9).buffer);
      const out = fn === "f32ToBf16" ? new Uint16Array(MiB) : new Float32Array(MiB);
      return { qsimd: () => q[fn](input, out) };
    },
  })),
];
