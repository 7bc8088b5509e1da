// Tests that only make sense from Node: other processes, flags, the package's exports map, the CLI.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { equal, ok } from "../lib/assert.js";
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

  test("bench/codec-memory.js and bench/gemv-memory.js run against the built wasm and refuse bad options", async () => {
    const codec = await node(["bench/codec-memory.js", "--log2", "20", "Q8_0", "IQ2_XXS"]);
    equal(codec.code, 0, codec.stderr);
    ok(/^Q8_0 +dequantize +\d+% of write \+ read .*\| quantize +\d+% of read \+ write/m.test(codec.stdout), codec.stdout);
    ok(/^IQ2_XXS +dequantize +\d+% of write \+ read \([\d.]+ ms/m.test(codec.stdout), codec.stdout);
    const bad = await node(["bench/codec-memory.js", "--log2", "40"]);
    ok(bad.code !== 0 && /--log2 takes 20 to 29/.test(bad.stderr), bad.stderr);
    const notBlock = await node(["bench/codec-memory.js", "--log2", "20", "F16"]);
    ok(notBlock.code !== 0 && /F16 is not a block type/.test(notBlock.stderr), notBlock.stderr);
    const gemv = await node(["bench/gemv-memory.js", "Q4_0"]);
    equal(gemv.code, 0, gemv.stderr);
    ok(/^Q4_0 +128 rows [\d.]+ G MAC\/s .*4096 rows/m.test(gemv.stdout), gemv.stdout);
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
