// Two builds' GEMV kernels side by side: each build's simd.wasm (or relaxed.wasm) called directly on
// the same weights and activation (packed by each build for its own kernel), at 128 rows (in cache)
// and 4096 rows, in alternating rounds, the best time of each kept and the results compared bit for
// bit. For judging a kernel change on a noisy VM without the JavaScript around it (bench/ab.js times
// the public API).
//
//   git worktree add /tmp/base REV && ln -s "$PWD/node_modules" /tmp/base/ && (cd /tmp/base && npm run build)
//   node bench/gemv-ab.js /tmp/base . [TYPE...]     (default: Q8_0 Q5_0 Q5_1 Q6_K Q5_K IQ2_XXS IQ2_XS)
//   npx deno run -A bench/gemv-ab.js --build relaxed /tmp/base . [TYPE...]   (not Node 20: its relaxed dot is wrong)
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { GGUF_TYPES } from "../dist/entry/node.js";
import { floats } from "./data.js";
import { bumpAllocator } from "./raw-build.js";

const args = process.argv.slice(2), at = args.indexOf("--build");
const build = at < 0 ? "simd" : args.splice(at, 2)[1];
if (build !== "simd" && build !== "relaxed") throw new Error("--build takes simd or relaxed");
const [baseDir, newDir, ...names] = args;
if (!newDir) {
  console.error("usage: node bench/gemv-ab.js [--build simd|relaxed] BASE_DIR NEW_DIR [TYPE...]");
  process.exit(2);
}
const builds = await Promise.all([baseDir, newDir].map(async (dir) => {
  const e = (await WebAssembly.instantiate(readFileSync(resolve(dir, `dist/wasm/${build}.wasm`)), {})).instance.exports;
  return { e, take: bumpAllocator(e.memory) };
}));
const cols = 4096, rounds = 15;
const NEEDS_IMATRIX = new Set(["IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ1_M"]);
const byName = new Map(GGUF_TYPES.map((t) => [t.name, t]));

for (const name of names.length ? names : ["Q8_0", "Q5_0", "Q5_1", "Q6_K", "Q5_K", "IQ2_XXS", "IQ2_XS"]) {
  const type = byName.get(name), act = byName.get(type?.activation ?? "");
  if (!type || !act) throw new Error(`${name} has no GEMV`);
  const setups = [];
  for (const rows of [128, 4096]) {
    for (const { e, take } of builds) {
      const x = take(rows * cols * 4), raw = take((rows * cols / type.blockSize) * type.blockBytes);
      const space = e.ggufWorkspaceBytes(type.id); // the grid i-quants' search tables
      if (space) e.ggufUseWorkspace(type.id, take(space));
      new Float32Array(e.memory.buffer, x, rows * cols).set(floats(rows * cols, 11));
      if (NEEDS_IMATRIX.has(name)) {
        const qw = take(cols * 4);
        new Float32Array(e.memory.buffer, qw, cols).fill(1);
        e.ggufQuantizeWeighted(type.id, x, raw, rows, cols, qw);
      } else e.ggufQuantize(type.id, x, raw, rows * cols / type.blockSize);
      const packed = take(e.ggufPackedBytes(type.id, rows, cols));
      e.ggufPack(type.id, raw, packed, rows, cols);
      const ax = take(cols * 4), araw = take((cols / act.blockSize) * act.blockBytes), a = take(e.ggufActivationBytes(type.id, cols));
      new Float32Array(e.memory.buffer, ax, cols).set(floats(cols, 12));
      e.ggufQuantize(act.id, ax, araw, cols / act.blockSize);
      e.ggufPackActivation(type.id, araw, a, cols);
      setups.push({ e, rows, packed, a, y: take(rows * 4), ms: Infinity });
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const s of setups) {
      const gemv = () => s.e.ggufGemv(type.id, s.packed, s.rows, cols, s.a, s.y, 0, s.rows);
      const calls = s.rows === 128 ? 32 : 1; // a few microseconds each at 128 rows
      gemv(); // untimed: each kernel meets its matrix as warm as it leaves it
      for (let k = 0; k < 5; k++) {
        const t0 = performance.now();
        for (let c = 0; c < calls; c++) gemv();
        s.ms = Math.min(s.ms, (performance.now() - t0) / calls);
      }
    }
  }
  const line = [];
  for (let i = 0; i < setups.length; i += 2) {
    const [b, n] = [setups[i], setups[i + 1]];
    const same = new Uint32Array(b.e.memory.buffer, b.y, b.rows).every((v, k) => v === new Uint32Array(n.e.memory.buffer, n.y, n.rows)[k]);
    const rate = (s) => ((s.rows * cols) / s.ms / 1e6).toFixed(1);
    line.push(`${b.rows} rows ${rate(b)} -> ${rate(n)} G MAC/s ${(b.ms / n.ms).toFixed(2)}x${same ? "" : " (RESULTS DIFFER)"}`);
    if (!same) process.exitCode = 1;
  }
  console.log(`${name.padEnd(8)} ${line.join(" | ")}`);
}
