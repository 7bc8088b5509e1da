// Tests that only make sense from Node: other processes, flags, the package's exports map, the CLI.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { equal, ok } from "../lib/assert.js";

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
