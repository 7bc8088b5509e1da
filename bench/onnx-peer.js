// The optional peer (Node): ONNX Runtime Web's single-threaded WebAssembly operators on the same kind
// of data, when the onnxruntime-web package is installed. Reports its kernel time (from ORT's own profiler:
// node_kernel_time, the operator alone) and its wall time (session.run, with the copies of inputs
// into and outputs out of its wasm memory).
import { axisScales, bytes, floats } from "./data.js";
import { singleOpModel } from "./onnx-models.js";

export async function loadOrt() {
  try {
    const ort = await import("onnxruntime-web");
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = "error";
    return ort;
  } catch {
    return undefined;
  }
}

// Models matching bench/cases.js by case name, on the same data.
const models = {
  ...Object.fromEntries([[4096, 4096, 1, "uint8"], [4096, 16384, 1, "uint8"], [4096, 4096, 1, "int8"], [4096, 4096, 8, "uint8"]].map(([k, n, m, aType]) => [
    `matmulInteger ${aType} x int8, ${m} x ${k} x ${n}${m === 1 ? " (GEMV)" : ""}`,
    (ort) => ({
      model: singleOpModel({
        op: "MatMulInteger",
        inputs: [["A", aType, [m, k]]],
        initializers: [["B", "int8", [k, n], new Int8Array(bytes(k * n, 1).buffer)], ["a_zp", aType, [], aType === "uint8" ? Uint8Array.of(128) : Int8Array.of(0)]],
        outputs: [["Y", "int32", [m, n]]],
      }),
      feeds: { A: new ort.Tensor(aType, aType === "uint8" ? bytes(m * k, 2) : new Int8Array(bytes(m * k, 2).buffer), [m, k]) },
    }),
  ])),
  // QuantizeLinear and DequantizeLinear per axis, on axis 0 and the last axis.
  ...Object.fromEntries([["quantizeLinear", "QuantizeLinear", "float32", "int8"], ["dequantizeLinear", "DequantizeLinear", "int8", "float32"]]
    .flatMap(([name, op, inType, outType]) => [0, 1].map((axis) => [
      `${name} int8 per axis, 4096 x 4096, axis ${axis}${axis === 1 ? " (last)" : ""}, resident`,
      (ort) => ({
        model: singleOpModel({
          op, attributes: { axis },
          inputs: [["x", inType, [4096, 4096]]],
          initializers: [["scale", "float32", [4096], axisScales()], ["zp", "int8", [4096], new Int8Array(4096)]],
          outputs: [["y", outType, [4096, 4096]]],
        }),
        feeds: { x: new ort.Tensor(inType, inType === "int8" ? new Int8Array(bytes(4096 * 4096, 6).buffer) : floats(4096 * 4096, 5), [4096, 4096]) },
      }),
    ]))),
  // ONNX Runtime's 4-bit weights (MatMulNBits, blocks of 32, float activations) beside GGUF Q4_0.
  "GGUF Q4_0 x Q8_0 GEMV 4096 x 4096": (ort) => ({
    model: singleOpModel({
      op: "MatMulNBits", domain: "com.microsoft", attributes: { K: 4096, N: 4096, bits: 4, block_size: 32 },
      inputs: [["A", "float32", [1, 4096]]],
      initializers: [["B", "uint8", [4096, 128, 16], bytes(4096 * 128 * 16, 3)], ["scales", "float32", [4096 * 128], new Float32Array(4096 * 128).fill(0.01)]],
      outputs: [["Y", "float32", [1, 4096]]],
    }),
    feeds: { A: new ort.Tensor("float32", Float32Array.from(bytes(4096, 4), (b) => (b - 128) / 64), [1, 4096]) },
  }),
  "dynamicQuantizeLinear, 1M elements, resident": (ort) => ({
    model: singleOpModel({
      op: "DynamicQuantizeLinear",
      inputs: [["x", "float32", [2 ** 20]]],
      outputs: [["y", "uint8", [2 ** 20]], ["y_scale", "float32", []], ["y_zero_point", "uint8", []]],
    }),
    feeds: { x: new ort.Tensor("float32", floats(2 ** 20, 7), [2 ** 20]) },
  }),
};

export function hasPeer(caseName) {
  return caseName in models;
}

/** ORT's median kernel and wall time (ms) for the case, over `runs` runs after one warm-up. */
export async function timePeer(ort, caseName, runs = 5) {
  const { model, feeds } = models[caseName](ort);
  const session = await ort.InferenceSession.create(model, { executionProviders: ["wasm"], enableProfiling: true, graphOptimizationLevel: "all" });
  const wall = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    if (i > 0) wall.push(performance.now() - t0);
  }
  // ORT's Node build prints its profile (chrome-trace JSON) to standard output with fs.writeSync
  // when profiling ends: catch it there.
  const lines = [];
  const fs = (await import("node:fs")).default;
  const writeSync = fs.writeSync;
  fs.writeSync = (fd, text, ...rest) => (fd === 1 && typeof text === "string" ? (lines.push(text), text.length) : writeSync(fd, text, ...rest));
  try {
    session.endProfiling();
  } finally {
    fs.writeSync = writeSync;
  }
  await session.release();
  const kernel = lines.join("\n").match(/"dur" :\d+,[^\n]*"node_kernel_time"/g)?.map((l) => Number(l.match(/"dur" :(\d+)/)[1]) / 1000) ?? [];
  return { kernelMs: median(kernel.slice(1)), wallMs: median(wall) };
}

function median(values) {
  if (!values.length) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
