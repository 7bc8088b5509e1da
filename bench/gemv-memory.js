// How much of a GGUF GEMV's time is memory: the simd build's kernel on the same weights at 128 rows
// (the packed matrix stays in cache) and 4096 rows, alternating in one process, beside a plain read
// of the same packed bytes. Calls the wasm exports directly, activation packed once (no JS around it).
//
//   node bench/gemv-memory.js [TYPE...]     (default Q4_0 Q8_0 Q4_K Q6_K)
import { GGUF_TYPES } from "../dist/entry/node.js";
import { floats } from "./data.js";
import { rawBuild } from "./raw-build.js";

const { e, take } = await rawBuild("simd");
const cols = 4096;
const byName = new Map(GGUF_TYPES.map((t) => [t.name, t]));

for (const name of process.argv.slice(2).length ? process.argv.slice(2) : ["Q4_0", "Q8_0", "Q4_K", "Q6_K"]) {
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
    return { rows, packed, bytes, a, y: take(rows * 4), gemv: Infinity, read: Infinity };
  });
  for (let round = 0; round < 20; round++) {
    for (const s of setups) {
      const reps = s.rows === 128 ? 64 : 2;
      let t0 = performance.now();
      for (let r = 0; r < reps; r++) e.ggufGemv(type.id, s.packed, s.rows, cols, s.a, s.y, 0, s.rows);
      s.gemv = Math.min(s.gemv, (performance.now() - t0) / reps);
      t0 = performance.now();
      for (let r = 0; r < reps; r++) e.readBytes(s.packed, s.bytes & ~63);
      s.read = Math.min(s.read, (performance.now() - t0) / reps);
    }
  }
  const line = setups.map((s) => `${s.rows} rows ${((s.rows * cols) / s.gemv / 1e6).toFixed(1)} G MAC/s = ${(s.bytes / s.gemv / 1e6).toFixed(1)} GB/s packed (a plain read of those ${(s.bytes / 1e6).toFixed(1)} MB: ${(s.bytes / s.read / 1e6).toFixed(1)} GB/s)`);
  console.log(`${name.padEnd(7)} ${line.join(" | ")}`);
}
