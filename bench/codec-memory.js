// Dequantizers and activation quantizers at memory sizes: 2^28 values (1 GiB of floats, beyond even a
// 300 MiB L3), each held against a plain write of its floats plus a plain read of its blocks
// (dequantize), or a read of its floats plus a write of its blocks (activation quantizers), timed
// alone in the same process. 100% is memory speed with no overlap of the two streams; above it, they
// overlap. The bench's own beyond-cache cases (64 MiB) stay inside the L3 of such hosts.
//
//   node bench/codec-memory.js [--log2 N] [--build simd|scalar] [TYPE...]   (default: every block type)
import { GGUF_TYPES, load } from "../dist/entry/node.js";
import { floats } from "./data.js";
import { rawBuild } from "./raw-build.js";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at < 0 ? fallback : args.splice(at, 2)[1];
};
const log2 = Number(option("--log2", 28)), build = option("--build", "simd");
if (!Number.isInteger(log2) || log2 < 20 || log2 > 29) throw new Error("--log2 takes 20 to 29");
const n = 2 ** log2, tile = 2 ** 20; // the blocks of `tile` values, repeated
const byName = new Map(GGUF_TYPES.map((t) => [t.name, t]));
const names = args.length ? args : GGUF_TYPES.filter((t) => t.blockSize > 1).map((t) => t.name);

const { e, take } = await rawBuild(build);
const floatsAt = take(n * 4), blocksAt = take(Math.max(...GGUF_TYPES.map((t) => (n / t.blockSize) * t.blockBytes)));
const best = (f, ms) => {
  let t = Infinity;
  for (const start = performance.now(); performance.now() - start < ms || t === Infinity; ) {
    const t0 = performance.now();
    f();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
};
const pct = (streams, kernel) => `${((100 * streams) / kernel).toFixed(0)}%`.padStart(4);

const qs = await load();
const sample = floats(tile, 21);
const imatrix = new Float32Array(4096).fill(1);
console.log(`${build} build, ${n} values (${(n * 4) / 2 ** 20} MiB of floats); best of 3 rounds`);
for (const name of names) {
  const type = byName.get(name);
  if (!type || type.blockSize === 1) throw new Error(`${name} is not a block type`);
  const blocks = n / type.blockSize, bytes = blocks * type.blockBytes;
  const activation = name === "Q8_0" || name === "Q8_1" || name === "Q8_K";
  const one = qs.quantize(name, sample, { rowLength: 4096, imatrix });
  const deq = { kernel: Infinity, write: Infinity, read: Infinity }, q = { kernel: Infinity, write: Infinity, read: Infinity };
  for (let round = 0; round < 3; round++) {
    // The plain write leaves byte patterns (subnormal floats) and the last plain write of a round
    // clobbers the blocks: the blocks are laid down again, and dequantized before they are quantized.
    for (let k = 0; k < n / tile; k++) new Uint8Array(e.memory.buffer, blocksAt + k * one.length, one.length).set(one);
    deq.write = Math.min(deq.write, best(() => e.writeBytes(floatsAt, n * 4, round), 800));
    deq.read = Math.min(deq.read, best(() => e.readBytes(blocksAt, bytes & ~63), 300));
    deq.kernel = Math.min(deq.kernel, best(() => e.ggufDequantize(type.id, blocksAt, floatsAt, blocks), 800));
    if (!activation) continue;
    q.read = Math.min(q.read, best(() => e.readBytes(floatsAt, n * 4), 800));
    q.kernel = Math.min(q.kernel, best(() => e.ggufQuantize(type.id, floatsAt, blocksAt, blocks), 800));
    q.write = Math.min(q.write, best(() => e.writeBytes(blocksAt, bytes & ~63, round), 300));
  }
  let line = `${name.padEnd(8)} dequantize ${pct(deq.write + deq.read, deq.kernel)} of write + read (${deq.kernel.toFixed(1)} ms; ${deq.write.toFixed(1)} + ${deq.read.toFixed(1)})`;
  if (activation) line += ` | quantize ${pct(q.read + q.write, q.kernel)} of read + write (${q.kernel.toFixed(1)} ms; ${q.read.toFixed(1)} + ${q.write.toFixed(1)})`;
  console.log(line);
}
