// `qsimd bench` (and `npx qsimd` / `npm start` with no command): what this host supports, the build qsimd picks, then the benchmark suite
// (quick by default) as a table, timed by benny, optionally saved as JSON or compared with another run.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { QsimdError } from "../errors.js";
import { load, type Variant } from "../entry/node.js";

export const BENCH_USAGE = `qsimd [bench] [--full] [--filter TEXT] [--variant relaxed|simd|scalar] [--json FILE]
  qsimd bench --compare A.json B.json`;

export async function bench(args: string[]): Promise<number> {
  const options: { full?: boolean; filter?: string; variant?: Variant; json?: string; compare?: string[] } = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--full") options.full = true;
    else if (a === "--quick") options.full = false;
    else if (a === "--filter") options.filter = args[++i];
    else if (a === "--variant") options.variant = args[++i] as Variant;
    else if (a === "--json") options.json = args[++i];
    else if (a === "--compare") options.compare = [args[++i], args[++i]];
    else if (a === "--help" || a === "-h") return console.log(`usage: ${BENCH_USAGE}`), 0;
    else return console.error(`unknown argument ${a}\nusage: ${BENCH_USAGE}`), 2;
  }
  // The benchmark lives beside the package's dist/, outside the TypeScript build.
  const report = await import(new URL("../../bench/report.js", import.meta.url).href);
  if (options.compare) {
    const [a, b] = options.compare.map((file) => JSON.parse(readFileSync(file, "utf8")));
    console.log(report.formatComparison(a, b));
    return 0;
  }
  let best;
  try {
    best = await load({ variant: options.variant });
  } catch (error) {
    if (error instanceof QsimdError) return console.error(`qsimd: ${error.code}: ${error.message}`), 1;
    throw error;
  }
  const yes = (b: boolean) => (b ? "yes" : "no");
  console.log(`qsimd on Node ${process.versions.node} (V8 ${process.versions.v8}), ${process.arch}, ${cpus().length} CPUs`);
  console.log(`host     WebAssembly SIMD128: ${yes(best.features.simd)}, relaxed SIMD: ${yes(best.features.relaxedSimd)}`);
  console.log(`build    ${best.variant}${options.variant ? " (forced)" : " (best available)"}\n`);
  const { runSuite } = await import(new URL("../../bench/suite.js", import.meta.url).href);
  // benny is a devDependency: an installed package without it times with the portable runner.
  const benny = await import(new URL("../../bench/benny-timer.js", import.meta.url).href).catch(() => undefined);
  const { hasPeer, loadOrt, timePeer } = await import(new URL("../../bench/onnx-peer.js", import.meta.url).href);
  const ort = await loadOrt();
  const record = await runSuite({
    load,
    runtime: { name: "node", version: process.versions.node },
    cpus: cpus().length,
    full: options.full,
    filter: options.filter,
    variant: options.variant,
    timer: benny?.bennyTimer,
    timerName: benny?.bennyName,
    peer: ort && { name: `ORT Web ${ort.env.versions?.web ?? ""}`.trim(), has: hasPeer, time: (name: string) => timePeer(ort, name) },
  });
  console.log(`\n${report.formatRecord(record)}`);
  if (options.json) {
    writeFileSync(options.json, JSON.stringify(record, null, 1));
    console.log(`\nsaved ${options.json}`);
  }
  return 0;
}
