// The benchmark cases, shared by every runner. Each case makes its data once and returns the
// functions to time: qsimd in the given instance, and where it applies a plain-JavaScript baseline.
// `work` says what one call does: MACs, bytes of weights read, or elements.
import { dotJs, gemvJs, quantizePerAxisJs } from "./baselines.js";

const MiB = 2 ** 20;

function bytes(n, seed) {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

function floats(n, seed) {
  const u = bytes(n * 2, seed);
  return Float32Array.from({ length: n }, (_, i) => (u[2 * i] - 128) / 16 + u[2 * i + 1] / 4096);
}

export const cases = [
  {
    name: "roofline: wasm read, 64 MiB (DRAM)", kind: "roofline", size: "64 MiB",
    make: (q) => ({ gbs: () => q.measureBandwidth(64 * MiB) }),
  },
  {
    name: "roofline: wasm read, 8 MiB (cache)", kind: "roofline", size: "8 MiB",
    make: (q) => ({ gbs: () => q.measureBandwidth(8 * MiB) }),
  },
  ...[[4096, 4096, 1, "uint8"], [4096, 16384, 1, "uint8"], [4096, 4096, 1, "int8"], [4096, 4096, 8, "uint8"]].map(([k, n, m, aType]) => ({
    name: `matmulInteger ${aType} x int8, ${m} x ${k} x ${n}${m === 1 ? " (GEMV)" : ""}`,
    kind: "product",
    roofline: k * n > 32 * MiB ? "64 MiB" : "8 MiB",
    work: { macs: m * k * n, bytes: k * n },
    make(q) {
      const b = q.upload(new Int8Array(bytes(k * n, 1).buffer));
      const aData = aType === "uint8" ? bytes(m * k, 2) : new Int8Array(bytes(m * k, 2).buffer);
      const a = q.upload(aData);
      const za = aType === "uint8" ? 128 : 0;
      const out = q.alloc(m * n * 4);
      const options = { m, k, n, aType, bType: "int8", aZeroPoint: za, out };
      const bJs = new Int8Array(b.view().slice().buffer);
      const y = new Int32Array(n);
      return {
        qsimd: () => q.matmulInteger(a, b, options),
        js: m === 1 ? () => gemvJs(aData, za, bJs, k, n, y) : undefined,
        free: () => [a, b, out].forEach((x) => x.free()),
      };
    },
  })),
  {
    name: "dotI8, n = 4096 (arrays copied in)", kind: "product", work: { macs: 4096 },
    make(q) {
      const a = new Int8Array(bytes(4096, 3).buffer);
      const b = new Int8Array(bytes(4096, 4).buffer);
      return { qsimd: () => q.dotI8(a, b), js: () => dotJs(a, b) };
    },
  },
  // Resident: data already in wasm memory, as ONNX Runtime's kernels see it; arrays: copies included.
  ...[[0, true], [1, true], [0, false], [1, false]].map(([axis, resident]) => ({
    name: `quantizeLinear int8 per axis, 4096 x 4096, axis ${axis}${axis === 1 ? " (last)" : ""}, ${resident ? "resident" : "arrays"}`,
    kind: "linear", work: { elements: 4096 * 4096 },
    make(q) {
      const data = floats(4096 * 4096, 5);
      const scale = Float32Array.from({ length: 4096 }, (_, i) => 0.05 + (i % 7) * 0.01);
      const x = resident ? q.upload(data) : data;
      const out = resident ? q.alloc(data.length) : new Int8Array(data.length);
      const options = { type: "int8", shape: [4096, 4096], axis, scale, out };
      const jsOut = new Int8Array(data.length);
      return {
        qsimd: () => q.quantizeLinear(x, options),
        js: () => quantizePerAxisJs(data, 4096, 4096, axis, scale, jsOut),
        free: () => resident && [x, out].forEach((b) => b.free()),
      };
    },
  })),
  ...[[0, true], [1, true], [1, false]].map(([axis, resident]) => ({
    name: `dequantizeLinear int8 per axis, 4096 x 4096, axis ${axis}${axis === 1 ? " (last)" : ""}, ${resident ? "resident" : "arrays"}`,
    kind: "linear", work: { elements: 4096 * 4096 },
    make(q) {
      const data = new Int8Array(bytes(4096 * 4096, 6).buffer);
      const scale = Float32Array.from({ length: 4096 }, (_, i) => 0.05 + (i % 7) * 0.01);
      const codes = resident ? q.upload(data) : data;
      const out = resident ? q.alloc(data.length * 4) : new Float32Array(data.length);
      const options = { type: "int8", shape: [4096, 4096], axis, scale, out };
      return { qsimd: () => q.dequantizeLinear(codes, options), free: () => resident && [codes, out].forEach((b) => b.free()) };
    },
  })),
  {
    name: "dynamicQuantizeLinear, 1M elements", kind: "linear", work: { elements: MiB },
    make(q) {
      const x = floats(MiB, 7);
      return { qsimd: () => q.dynamicQuantizeLinear(x) };
    },
  },
];
