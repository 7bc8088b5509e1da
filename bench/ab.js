// Two builds of qsimd side by side in one Node process, for judging a change on a noisy machine: the
// same GGUF cases on each build, in alternating rounds, the best time of each kept, results compared
// bit for bit. Separate runs of `npm start` on a shared VM can differ by 2x; alternating cancels that.
//
//   git worktree add /tmp/base REV && ln -s "$PWD/node_modules" /tmp/base/ && (cd /tmp/base && npm run build)
//   node bench/ab.js /tmp/base . [--filter TEXT] [--rounds N]
//
// Cases: GEMV of 128 x 4096 (the matrix stays in cache: the kernel's own speed) and 4096 x 4096,
// dequantize 1M values, the activation quantizers on 4096 values, quantize without and with an imatrix.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { floats } from "./data.js";

const { positionals, values } = parseArgs({ allowPositionals: true, options: { filter: { type: "string" }, rounds: { type: "string" } } });
if (positionals.length !== 2) {
  console.error("usage: node bench/ab.js BASE_DIR NEW_DIR [--filter TEXT] [--rounds N]");
  process.exit(2);
}
const rounds = Number(values.rounds ?? 15);
const builds = await Promise.all(positionals.map(async (dir) => {
  const { load } = await import(pathToFileURL(resolve(dir, "dist/entry/node.js")).href);
  return load({ variant: "simd" });
}));

const GEMV = ["Q4_0", "Q4_1", "Q5_0", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS", "TQ2_0", "MXFP4", "Q1_0", "IQ2_XXS", "IQ3_S"];
const DEQUANT = ["Q4_0", "Q5_0", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS", "TQ1_0", "TQ2_0", "MXFP4", "NVFP4", "Q1_0", "IQ2_XXS", "IQ3_S", "IQ1_M"];
const NEEDS_IMATRIX = new Set(["IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ1_M"]);
const imatrix = Float32Array.from({ length: 4096 }, (_, i) => 0.5 + (i % 13));
const quantize = (q, type, x) => q.quantize(type, x, { rowLength: 4096, ...(NEEDS_IMATRIX.has(type) || type.startsWith("IQ3") ? { imatrix } : {}) });

// Each case: make(q) -> { run() -> result to compare, units, unit, free() }.
const cases = [
  ...[128, 4096].flatMap((rows) => GEMV.map((type) => ({
    name: `GEMV ${type} ${rows} x 4096`,
    make(q) {
      const t = q.tensor(type, quantize(q, type, floats(rows * 4096, 11)), [rows, 4096]);
      const x = floats(4096, 12), out = new Float32Array(rows);
      return { run: () => t.matvec(x, out), units: rows * 4096 / 1e9, unit: "G MAC/s", free: () => t.free() };
    },
  }))),
  ...DEQUANT.map((type) => ({
    name: `dequantize ${type} 1M`,
    make(q) {
      const bytes = q.upload(quantize(q, type, floats(1 << 20, 13)));
      const out = q.alloc((1 << 20) * 4);
      return { run: () => q.dequantize(type, bytes, 1 << 20, { out }).view(), units: (1 << 20) / 1e9, unit: "G values/s", free: () => [bytes, out].forEach((b) => b.free()) };
    },
  })),
  ...["Q8_0", "Q8_1", "Q8_K"].map((type) => ({
    name: `quantize ${type} 4096 (activation)`,
    make(q) {
      const x = floats(4096, 14);
      return { run: () => q.quantize(type, x), units: 4096 / 1e9, unit: "G values/s" };
    },
  })),
  ...["Q4_0", "Q4_1", "Q5_0", "Q5_1", "MXFP4", "TQ1_0", "TQ2_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_XS"].map((type) => ({
    name: `quantize ${type} 256K`,
    make(q) {
      const x = floats(1 << 18, 16);
      return { run: () => q.quantize(type, x, { rowLength: 4096 }), units: (1 << 18) / 1e9, unit: "G values/s" };
    },
  })),
  ...["Q4_K", "IQ4_XS", "IQ2_XXS", "IQ2_XS", "IQ3_S", "IQ1_S"].map((type) => ({
    name: `quantize ${type} with imatrix 64K`,
    make(q) {
      const x = floats(65536, 15);
      return { run: () => q.quantize(type, x, { rowLength: 4096, imatrix }), units: 65536 / 1e9, unit: "G values/s" };
    },
  })),
].filter((c) => !values.filter || c.name.includes(values.filter));

const sameBits = (a, b) => {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

console.log(`base ${positionals[0]}, new ${positionals[1]}: best of ${rounds} alternating rounds; ratio = base time / new time`);
for (const c of cases) {
  const made = builds.map((q) => c.make(q));
  const best = [Infinity, Infinity];
  // Enough calls per timing to take a few milliseconds (timed after a first, warming call).
  made[0].run();
  const t0 = performance.now();
  made[0].run();
  const reps = Math.max(1, Math.min(2000, Math.round(5 / Math.max(performance.now() - t0, 0.001))));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < 2; k++) {
      made[k].run(); // untimed: the other build's data may have pushed this one's out of the cache
      const start = performance.now();
      for (let r = 0; r < reps; r++) made[k].run();
      best[k] = Math.min(best[k], (performance.now() - start) / reps);
    }
  }
  const same = sameBits(made[0].run(), made[1].run());
  const rate = (ms) => (made[0].units / (ms / 1000)).toPrecision(3);
  console.log(`${c.name.padEnd(34)} base ${rate(best[0])} new ${rate(best[1])} ${made[0].unit}  ${(best[0] / best[1]).toFixed(2)}x${same ? "" : "  RESULTS DIFFER"}`);
  made.forEach((m) => m.free?.());
}
