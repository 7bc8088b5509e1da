// `npx qsimd` / `npm start`: what this host supports, the build qsimd picks, and a quick speed check
// of dotI8 against a plain JavaScript loop, measured side by side in this run.
import { cpus } from "node:os";
import { QsimdError } from "./errors.js";
import { load, type Qsimd, type Variant } from "./entry/node.js";

const USAGE = `usage: qsimd [--variant relaxed|simd|scalar] [--quick]`;

export async function main(args: string[]): Promise<number> {
  let variant: Variant | undefined;
  let quick = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--variant") variant = args[++i] as Variant;
    else if (args[i] === "--quick") quick = true;
    else if (args[i] === "--help" || args[i] === "-h") return console.log(USAGE), 0;
    else return console.error(`unknown argument ${args[i]}\n${USAGE}`), 2;
  }
  let q: Qsimd;
  try {
    q = await load({ variant });
  } catch (error) {
    if (error instanceof QsimdError) return console.error(`qsimd: ${error.code}: ${error.message}`), 1;
    throw error;
  }
  const yes = (b: boolean) => (b ? "yes" : "no");
  console.log(`qsimd on Node ${process.versions.node} (V8 ${process.versions.v8}), ${process.arch}, ${cpus().length} CPUs`);
  console.log(`host     WebAssembly SIMD128: ${yes(q.features.simd)}, relaxed SIMD: ${yes(q.features.relaxedSimd)}`);
  console.log(`build    ${q.variant}${variant ? " (forced)" : " (best available)"}`);
  console.log(speedCheck(q, quick ? 30 : 300));
  return 0;
}

const N = 4096;

function speedCheck(q: Qsimd, budgetMs: number): string {
  const a = new Int8Array(N).map((_, i) => (i * 73 + 11) & 0xff);
  const b = new Int8Array(N).map((_, i) => (i * 151 + 7) & 0xff);
  const plain = (): number => {
    let s = 0;
    for (let i = 0; i < N; i++) s += a[i] * b[i];
    return s;
  };
  const expected = plain();
  if (q.dotI8(a, b) !== expected) throw new Error("dotI8 disagrees with the plain loop");
  // Alternate the two so that both see the same machine state; keep the best of several rounds.
  let wasm = Infinity;
  let js = Infinity;
  const rounds = 5;
  for (let r = 0; r < rounds; r++) {
    wasm = Math.min(wasm, timePerCall(() => q.dotI8(a, b), budgetMs / rounds / 2));
    js = Math.min(js, timePerCall(plain, budgetMs / rounds / 2));
  }
  const gmacs = (seconds: number) => (N / seconds / 1e9).toFixed(2);
  return `dotI8    n = ${N}: ${gmacs(wasm)} G MAC/s, ${(js / wasm).toFixed(1)} x plain JavaScript (${gmacs(js)} G MAC/s); best of ${rounds} rounds, copies into wasm included`;
}

/** Seconds per call of `fn`, run repeatedly for about `ms` milliseconds. */
function timePerCall(fn: () => number, ms: number): number {
  let calls = 0;
  let sink = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 64; i++) sink += fn();
    calls += 64;
    now = performance.now();
  }
  if (sink === 0.5) console.log(sink); // keeps the results alive
  return (now - start) / 1000 / calls;
}
