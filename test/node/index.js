// Tests that only make sense from Node: other processes, flags, the package's exports map, the CLI.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { equal, ok } from "../lib/assert.js";
import { hoistConstants } from "../../scripts/hoist-constants.js";
import ggufCli from "./gguf-cli.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

function node(args, options = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, timeout: 60_000, ...options }, (error, stdout, stderr) =>
      resolve({ code: error ? error.code ?? 1 : 0, stdout, stderr }));
  });
}

// Loads each build in a child process and prints what happened, as JSON.
const PROBE = `
import { load } from "qsimd";
const out = {};
for (const variant of [undefined, "relaxed", "simd", "scalar"]) {
  try { const q = await load({ variant }); out[variant ?? "default"] = { variant: q.variant, features: q.features }; }
  catch (e) { out[variant ?? "default"] = { code: e.code, message: e.message }; }
}
console.log(JSON.stringify(out));
`;

const binaryen = join(root, "node_modules", "binaryen", "bin");
const wasmAs = join(binaryen, "wasm-as"), wasmDis = join(binaryen, "wasm-dis");

async function disassembly(path) {
  const { code, stdout, stderr } = await node([wasmDis, path], { maxBuffer: 1 << 28 });
  equal(code, 0, stderr);
  return stdout;
}

// v128.const instructions inside loops, counted in binaryen's own disassembly of the module at path
// (not with the decoder of scripts/hoist-constants.js).
async function constsInLoops(path) {
  const stdout = await disassembly(path);
  const loops = [];
  let depth = 0, count = 0;
  for (const [token] of stdout.replace(/"(?:[^"\\]|\\.)*"/g, "").matchAll(/\(loop|v128\.const|[()]/g)) {
    if (token === ")") {
      if (loops.at(-1) === depth) loops.pop();
      depth--;
    } else if (token === "v128.const") count += loops.length > 0;
    else if (++depth && token === "(loop") loops.push(depth);
  }
  return count;
}

// The SIMD instruction names in binaryen's disassembly of the module at path.
async function simdOps(path) {
  const stdout = await disassembly(path);
  return new Set([...stdout.matchAll(/\((?:i8x16|i16x8|i32x4|i64x2|f32x4|f64x2|v128)\.[a-z0-9_]+/g)].map(([op]) => op.slice(1)));
}

export default function nodeOnly(test) {
  ggufCli(test);
  test("the built benchmark page (dist/bench) runs in Chromium: progress, table, chart, JSON", async () => {
    const { chromium } = await import("playwright-core");
    const { serveStatic } = await import("../../scripts/serve-static.js");
    const { server, origin } = await serveStatic();
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage();
      await page.goto(`${origin}/dist/bench/page.html?autorun=quick&filter=dotI8`);
      await page.waitForFunction(() => window.qsimdBench !== undefined, null, { timeout: 120_000 });
      const seen = await page.evaluate(() => ({
        builds: window.qsimdBench?.results.map((r) => r.build),
        progress: [document.getElementById("progress").value, document.getElementById("progress").max],
        rows: document.querySelectorAll("#table tbody tr").length,
        bars: document.querySelectorAll("#chart rect").length,
        download: !document.getElementById("download").disabled,
      }));
      ok(seen.builds?.includes("plain JS") && seen.builds.includes("relaxed"), JSON.stringify(seen));
      equal(seen.progress[0], seen.progress[1]);
      equal(seen.rows, seen.builds.length);
      equal(seen.bars, seen.builds.length - 1);
      ok(seen.download, "the JSON can be downloaded");
    } finally {
      await browser.close();
      server.close();
    }
  });

  test("relaxed SIMD behind Node's flag: validated, self-tested, refused where the engine computes it wrongly", async () => {
    const { code, stdout, stderr } = await node(["--experimental-wasm-relaxed-simd", "--input-type=module", "-e", PROBE]);
    equal(code, 0, stderr);
    const out = JSON.parse(stdout);
    if (process.versions.node.startsWith("20.")) {
      // V8 11.3 validates the relaxed dot product under the flag but drops its accumulator.
      equal(out.relaxed.code, "UNSUPPORTED_VARIANT");
      ok(/self-test/.test(out.relaxed.message), out.relaxed.message);
      equal(out.default.variant, "simd");
      equal(out.default.features.relaxedSimd, false);
      equal(out.scalar.features.relaxedSimd, false, "features stay truthful when a lower build is forced");
    } else {
      equal(out.relaxed.variant, "relaxed");
    }
  });

  test("the exports map gives each runtime its entry point", async () => {
    const expected = { node: "entry/node.js", bun: "entry/node.js", deno: "entry/fetch.js", workerd: "entry/workerd.js" };
    for (const [condition, entry] of Object.entries(expected)) {
      const { stdout, stderr } = await node(["-C", condition, "--input-type=module", "-e", 'console.log(import.meta.resolve("qsimd"))']);
      ok(stdout.trim().endsWith(`/dist/${entry}`), `${condition}: ${stdout}${stderr}`);
    }
    const { stdout } = await node(["--input-type=module", "-e", 'console.log(import.meta.resolve("qsimd/inline"), import.meta.resolve("qsimd/wasm/simd.wasm"))']);
    ok(/dist\/entry\/inline\.js .*dist\/wasm\/simd\.wasm/.test(stdout), stdout);
  });

  test("qsimd/inline loads in Node without touching the .wasm files", async () => {
    const { code, stdout, stderr } = await node(["--input-type=module", "-e",
      'import { load } from "qsimd/inline"; const q = await load({ variant: "scalar" }); console.log(q.variant, q.dotI8(Int8Array.of(3), Int8Array.of(-4)))']);
    equal(code, 0, stderr);
    equal(stdout.trim(), "scalar -12");
  });

  test("the feature probe validates every instruction the relaxed build has beyond the SIMD build", async () => {
    // An engine can ship part of relaxed SIMD (JavaScriptCore's flag: swizzle, no dot product); a
    // relaxed instruction the probe leaves out would then fail the whole build at compile time.
    const { probeModules } = await import("../../dist/features.js");
    const dir = mkdtempSync(join(tmpdir(), "qsimd-probe-"));
    try {
      writeFileSync(join(dir, "probe.wasm"), probeModules().relaxed);
      const [simd, relaxed, probe] = await Promise.all(["dist/wasm/simd.wasm", "dist/wasm/relaxed.wasm", join(dir, "probe.wasm")].map(simdOps));
      const extra = [...relaxed].filter((op) => !simd.has(op));
      ok(extra.length > 0, "the relaxed build holds relaxed instructions");
      for (const op of extra) ok(probe.has(op), `${op} is not in the relaxed probe (src/features.ts)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the SIMD builds read no v128.const inside a loop; the hoisting pass keeps results and refuses unknown opcodes", async () => {
    for (const variant of ["simd", "relaxed"]) equal(await constsInLoops(`dist/wasm/${variant}.wasm`), 0, variant);
    // Two constants in a loop, one outside it, the result stored where JS can read it.
    const wat = `(module (memory (export "m") 1) (func (export "f") (param $n i32) (local $a v128)
      (local.set $a (v128.const i32x4 7 7 7 7))
      (loop $l (local.set $a (i32x4.add (i32x4.mul (local.get $a) (v128.const i32x4 3 3 3 3)) (v128.const i32x4 1 2 3 4)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (v128.store (i32.const 0) (local.get $a))))`;
    const dir = mkdtempSync(join(tmpdir(), "qsimd-hoist-"));
    try {
      writeFileSync(join(dir, "t.wat"), wat);
      const as = await node([wasmAs, "--enable-simd", join(dir, "t.wat"), "-o", join(dir, "t.wasm")]);
      equal(as.code, 0, as.stderr);
      const before = readFileSync(join(dir, "t.wasm")), after = hoistConstants(before);
      const lanes = async (bytes) => {
        const { exports } = (await WebAssembly.instantiate(bytes)).instance;
        exports.f(5);
        return [...new Int32Array(exports.m.buffer, 0, 4)];
      };
      const expected = [1, 2, 3, 4].map((c) => {
        let v = 7;
        for (let k = 0; k < 5; k++) v = v * 3 + c;
        return v;
      });
      equal(JSON.stringify(await lanes(before)), JSON.stringify(expected));
      equal(JSON.stringify(await lanes(after)), JSON.stringify(expected));
      writeFileSync(join(dir, "after.wasm"), after);
      equal(await constsInLoops(join(dir, "t.wasm")), 2);
      equal(await constsInLoops(join(dir, "after.wasm")), 0);
      // A GC opcode (0xfb) in place of the loop's i32.const 1: refused, not skipped over.
      const unknown = Uint8Array.from(before);
      unknown[Buffer.from(before).indexOf(Buffer.of(0x41, 0x01, 0x6b))] = 0xfb;
      let message = "";
      try {
        hoistConstants(unknown);
      } catch (error) {
        message = error.message;
      }
      ok(/unknown opcode 0xfb/.test(message), message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("bench/codec-memory.js and bench/gemv-memory.js run against the built wasm and refuse bad options", async () => {
    const codec = await node(["bench/codec-memory.js", "--log2", "20", "Q8_0", "IQ2_XXS"]);
    equal(codec.code, 0, codec.stderr);
    ok(/^Q8_0 +dequantize +\d+% of write \+ read .*\| quantize +\d+% of read \+ write/m.test(codec.stdout), codec.stdout);
    ok(/^IQ2_XXS +dequantize +\d+% of write \+ read \([\d.]+ ms/m.test(codec.stdout), codec.stdout);
    const bad = await node(["bench/codec-memory.js", "--log2", "40"]);
    ok(bad.code !== 0 && /--log2 takes 20 to 29/.test(bad.stderr), bad.stderr);
    const notBlock = await node(["bench/codec-memory.js", "--log2", "20", "F16"]);
    ok(notBlock.code !== 0 && /F16 is not a block type/.test(notBlock.stderr), notBlock.stderr);
    // Q8_0 also runs ggml's wasm sequence beside qsimd's kernel; the bench exits 1 if their results disagree.
    const gemv = await node(["bench/gemv-memory.js", "Q4_0", "Q8_0"]);
    equal(gemv.code, 0, gemv.stderr + gemv.stdout);
    ok(/^Q4_0 +128 rows [\d.]+ G MAC\/s .*4096 rows/m.test(gemv.stdout), gemv.stdout);
    ok(/^Q8_0 +128 rows .*ggml's wasm sequence [\d.]+ G MAC\/s: qsimd [\d.]+x \| 4096 rows .*ggml's wasm sequence [\d.]+ G MAC\/s: qsimd [\d.]+x$/m.test(gemv.stdout), gemv.stdout);
  });
  test("npm start's command reports the host and build, benchmarks with benny, saves and compares JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "qsimd-cli-"));
    const file = join(dir, "a.json");
    try {
      const { code, stdout, stderr } = await node(["bin/qsimd.js", "bench", "--filter", "dotI8", "--json", file]);
      equal(code, 0, stderr);
      ok(/build\s+simd|build\s+relaxed/.test(stdout), stdout);
      ok(/dotI8, n = 4096 .* simd .*G MAC\/s/.test(stdout), stdout);
      const record = JSON.parse(readFileSync(file, "utf8"));
      equal(record.schema, "qsimd-bench/1");
      ok(record.timer.startsWith("benny"), record.timer);
      const compared = await node(["bin/qsimd.js", "bench", "--compare", file, file]);
      ok(/dotI8.*1\.00x/.test(compared.stdout), compared.stdout + compared.stderr);
      const bad = await node(["bin/qsimd.js", "--bogus"]);
      equal(bad.code, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
