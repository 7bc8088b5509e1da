// npm test: the same suites in Node, Deno, Bun, workerd, Chromium, Firefox and WebKit (jsc),
// two runtimes at a time. Prints each runtime's build and counts, then one total line; exits
// non-zero if any runtime fails, cannot start, or runs a different build than it should.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;
const ci = process.env.CI === "true";
const nodeMajor = Number(process.versions.node.split(".")[0]);
const jsc = process.env.JSC_PATH ?? "jsc";
const jscArgs = ci ? ["--", "ci"] : [];

// The build each runtime must end up with: relaxed wherever the engine computes relaxed SIMD
// correctly; Node 20 validates it only behind a flag and gets it wrong; JavaScriptCore lacks it;
// Firefox without relaxed SIMD and JavaScriptCore without SIMD (as in old iOS webviews), each
// turned off by the engine's own switch, check the fallbacks.
const runtimes = [
  { name: "node", command: process.execPath, args: ["test/drivers/node.test.js"], expect: nodeMajor >= 22 ? "relaxed" : "simd" },
  { name: "deno", command: bin("deno"), args: ["run", "--allow-read", "--allow-env", "test/drivers/deno.js"], expect: "relaxed", env: { DENO_NO_UPDATE_CHECK: "1" } },
  { name: "bun", command: bin("bun"), args: ["test/drivers/bun.js"], expect: "relaxed" },
  { name: "workerd", command: process.execPath, args: ["test/drivers/workerd.js"], expect: "relaxed" },
  { name: "chromium", command: process.execPath, args: ["test/drivers/chromium.js"], expect: "relaxed" },
  { name: "firefox", command: process.execPath, args: ["test/drivers/firefox.js"], expect: "relaxed" },
  { name: "firefox-no-relaxed", command: process.execPath, args: ["test/drivers/firefox.js", "--off", "relaxed"], expect: "simd" },
  { name: "webkit", command: jsc, args: ["-m", "test/drivers/jsc.js", ...jscArgs], expect: "simd" },
  { name: "webkit-no-simd", command: jsc, args: ["--useWasmSIMD=false", "-m", "test/drivers/jsc.js", ...jscArgs], expect: "scalar" },
];
// Arm: Debian's arm64 Node under qemu (.ci/arm64-node puts it at ARM64_ROOT), for the vector
// suites only. CI always runs it; elsewhere only where that Node is unpacked.
const arm64 = process.env.ARM64_ROOT ?? "/tmp/qsimd-arm64";
if (ci || existsSync(`${arm64}/usr/bin/node`)) {
  runtimes.push({ name: "node-arm64", command: "qemu-aarch64-static", args: ["-L", arm64, `${arm64}/usr/bin/node`, "test/drivers/arm64.js"], expect: "simd" });
}

const only = process.argv.slice(2);
const selected = only.length ? runtimes.filter((r) => only.includes(r.name)) : runtimes;
if (!existsSync(`${root}dist/wasm/simd.wasm`)) {
  console.error("dist/ is missing: run `npm run build` first");
  process.exit(1);
}

function run(runtime) {
  return new Promise((resolve) => {
    const started = performance.now();
    let output = "";
    let child;
    try {
      child = spawn(runtime.command, runtime.args, { cwd: root, env: { ...process.env, ...runtime.env }, timeout: 300_000 });
    } catch (error) {
      return resolve({ runtime, output: String(error), seconds: 0 });
    }
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (error) => (output += `\n${error.message}`));
    child.on("close", (code) => {
      const line = output.split("\n").reverse().find((l) => l.startsWith("QSIMD_RESULT "));
      const result = line ? JSON.parse(line.slice("QSIMD_RESULT ".length)) : undefined;
      resolve({ runtime, result, code, output, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const outcomes = [];
const queue = [...selected];
await Promise.all([0, 1].map(async () => {
  for (let r; (r = queue.shift()); ) {
    const outcome = await run(r);
    outcomes.push(outcome);
    const { result } = outcome;
    console.log(`${r.name}: ${result ? `${result.passed} passed, ${result.failed} failed (build ${result.variant})` : "did not run"} in ${outcome.seconds.toFixed(1)} s`);
  }
}));
outcomes.sort((a, b) => selected.indexOf(a.runtime) - selected.indexOf(b.runtime));

let passed = 0;
let failed = 0;
const rows = [];
for (const { runtime, result, code, output } of outcomes) {
  const problems = [];
  if (!result) problems.push(`could not start or did not finish (exit ${code})`);
  else {
    passed += result.passed;
    failed += result.failed;
    if (result.failed) problems.push(...result.failures.map((f) => `${f.name}: ${f.message}`));
    if (result.variant !== runtime.expect) problems.push(`ran the ${result.variant} build, expected ${runtime.expect}`);
    if (code !== 0) problems.push(`exited with ${code}`);
  }
  if (problems.length) {
    if (!result || !result.failed) failed++; // a runtime that breaks without failing a test still fails the run
    console.log(`\n--- ${runtime.name} ---\n${problems.join("\n")}\n${result ? "" : output.slice(-4000)}`);
  }
  rows.push([runtime.name, result?.variant ?? "-", result?.passed ?? "-", result?.failed ?? "-", result?.skipped ?? "-", problems.length ? "FAIL" : "ok"]);
}

const header = ["runtime", "build", "passed", "failed", "skipped", ""];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ").trimEnd();
console.log(`\n${line(header)}\n${rows.map(line).join("\n")}\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed || outcomes.length !== selected.length ? 1 : 0;
