// How much of a GGUF GEMV's time is memory: the simd build's kernel on the same weights at 128 rows
// (the packed matrix stays in cache) and 4096 rows, alternating in one process, beside a plain read
// of the same packed bytes. Calls the wasm exports directly, activation packed once (no JS around it).
// For Q8_0 also ggml's own wasm sequence on the GGUF blocks (bench/ggml-style/q8_0.ts), in the same
// rounds: the ratio to ggml without the machine's drift between runs. Each kernel's timing starts
// after an untimed call, so each meets its own matrix as warm as it leaves it (as ggml's anchors were
// taken, in a process of their own).
//
//   node bench/gemv-memory.js [TYPE...]     (default Q4_0 Q8_0 Q4_K Q6_K)
import asc from "assemblyscript/asc";
import { readFileSync } from "node:fs";
import { GGUF_TYPES } from "../dist/entry/node.js";
import { floats } from "./data.js";
import { bumpAllocator, rawBuild } from "./raw-build.js";

const { e, take } = await rawBuild("simd");

const cols = 4096;
const names = process.argv.slice(2).length ? process.argv.slice(2) : ["Q4_0", "Q8_0", "Q4_K", "Q6_K"];
const ggml = names.includes("Q8_0") ? await ggmlStyle() : null;
const scratch = { blocks: take((cols / 32) * 34), floats: take(cols * 4) }; // for agrees()

/** bench/ggml-style/q8_0.ts compiled and instantiated: its exports, an allocator and a copy from qsimd's memory. */
async function ggmlStyle() {
  const source = readFileSync(new URL("ggml-style/q8_0.ts", import.meta.url), "utf8");
  const { error, stderr, binary } = await asc.compileString(source, { optimizeLevel: 3, runtime: "stub", noAssert: true, enable: ["simd"] });
  if (error) throw new Error(`bench/ggml-style/q8_0.ts: ${stderr}`);
  const g = (await WebAssembly.instantiate(binary, {})).instance.exports;
  g.init();
  const gtake = bumpAllocator(g.memory);
  const copy = (from, bytes) => {
    const at = gtake(bytes);
    new Uint8Array(g.memory.buffer, at, bytes).set(new Uint8Array(e.memory.buffer, from, bytes));
    return at;
  };
  return { g, gtake, copy };
}
const byName = new Map(GGUF_TYPES.map((t) => [t.name, t]));

for (const name of names) {
  const type = byName.get(name), act = byName.get(type?.activation ?? "");
  if (!type || !act) throw new Error(`${name} has no GEMV`);
  const setups = [128, 4096].map((rows) => {
    const x = take(rows * cols * 4);
    new Float32Array(e.memory.buffer, x, rows * cols).set(floats(rows * cols, 11));
    const raw = take((rows * cols / type.blockSize) * type.blockBytes);
    e.ggufQuantize(type.id, x, raw, rows * cols / type.blockSize);
    const bytes = e.ggufPackedBytes(type.id, rows, cols), packed = take(bytes);
    e.ggufPack(type.id, raw, packed, rows, cols);
    const ax = take(cols * 4), araw = take((cols / act.blockSize) * act.blockBytes), a = take(e.ggufActivationBytes(type.id, cols));
    new Float32Array(e.memory.buffer, ax, cols).set(floats(cols, 12));
    e.ggufQuantize(act.id, ax, araw, cols / act.blockSize);
    e.ggufPackActivation(type.id, araw, a, cols);
    const s = { rows, packed, bytes, a, y: take(rows * 4), gemv: Infinity, read: Infinity, ggml: Infinity };
    if (name === "Q8_0") {
      const rawBytes = (rows * cols / 32) * type.blockBytes, actBytes = (cols / 32) * act.blockBytes;
      s.gw = ggml.copy(raw, rawBytes);
      s.ga = ggml.copy(araw, actBytes);
      s.gy = ggml.gtake(rows * 4);
    }
    return s;
  });
  for (let round = 0; round < 20; round++) {
    for (const s of setups) {
      s.gemv = Math.min(s.gemv, best(s.rows, () => e.ggufGemv(type.id, s.packed, s.rows, cols, s.a, s.y, 0, s.rows)));
      if (s.gw !== undefined) s.ggml = Math.min(s.ggml, best(s.rows, () => ggml.g.gemvQ8_0(s.gw, s.rows, cols, s.ga, s.gy)));
      s.read = Math.min(s.read, best(s.rows, () => e.readBytes(s.packed, s.bytes & ~63)));
    }
  }
  for (const s of setups) s.agree = s.gw === undefined || agrees(s);
  const line = setups.map((s) => `${s.rows} rows ${((s.rows * cols) / s.gemv / 1e6).toFixed(1)} G MAC/s = ${(s.bytes / s.gemv / 1e6).toFixed(1)} GB/s packed (a plain read of those ${(s.bytes / 1e6).toFixed(1)} MB: ${(s.bytes / s.read / 1e6).toFixed(1)} GB/s)${s.gw === undefined ? "" : `; ggml's wasm sequence ${((s.rows * cols) / s.ggml / 1e6).toFixed(1)} G MAC/s: qsimd ${(s.ggml / s.gemv).toFixed(2)}x${s.agree ? "" : " (RESULTS DISAGREE)"}`}`);
  console.log(`${name.padEnd(7)} ${line.join(" | ")}`);
  if (!setups.every((s) => s.agree)) process.exitCode = 1;
}

/**
 * ms per call of f after one untimed call: the best of 8 single calls at 4096 rows (each a
 * millisecond), 64 calls timed together at 128 rows (a few microseconds each).
 */
function best(rows, f) {
  f();
  if (rows === 128) {
    const t0 = performance.now();
    for (let r = 0; r < 64; r++) f();
    return (performance.now() - t0) / 64;
  }
  let t = Infinity;
  for (let r = 0; r < 8; r++) {
    const t0 = performance.now();
    f();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

/**
 * Whether ggml's sequence and qsimd agree on every row to within 1e-5 of the row's sum |w * a|, the
 * bound qsimd's tests hold against ggml's own dot products (w and a from the GGUF blocks through
 * qsimd's dequantizer).
 */
function agrees(s) {
  const blockBytes = 34, nb = cols / 32;
  const y = new Float32Array(e.memory.buffer, s.y, s.rows), z = new Float32Array(ggml.g.memory.buffer, s.gy, s.rows);
  const gw = new Uint8Array(ggml.g.memory.buffer, s.gw, s.rows * nb * blockBytes), ga = new Uint8Array(ggml.g.memory.buffer, s.ga, nb * blockBytes);
  const blocks = new Uint8Array(e.memory.buffer, scratch.blocks, nb * blockBytes), floatsOut = new Float32Array(e.memory.buffer, scratch.floats, cols);
  blocks.set(ga);
  e.ggufDequantize(8, scratch.blocks, scratch.floats, nb);
  const a = floatsOut.slice();
  for (let r = 0; r < s.rows; r++) {
    blocks.set(gw.subarray(r * nb * blockBytes, (r + 1) * nb * blockBytes));
    e.ggufDequantize(8, scratch.blocks, scratch.floats, nb);
    let mag = 0;
    for (let j = 0; j < cols; j++) mag += Math.abs(floatsOut[j] * a[j]);
    if (!(Math.abs(y[r] - z[r]) <= 1e-5 * mag)) return false;
  }
  return true;
}
