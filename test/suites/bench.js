// The benchmark suite runs in every runtime and produces the one JSON schema (timing itself is not
// tested: speed lives in bench/).
import { equal, ok, rejects } from "../lib/assert.js";
import { formatComparison, formatRecord } from "../../bench/report.js";
import { runSuite, SCHEMA } from "../../bench/suite.js";

export default function bench(test, env) {
  test("the benchmark suite runs here and gives a qsimd-bench/1 record", async () => {
    const progress = [];
    const record = await runSuite({
      load: env.load, runtime: { name: env.runtime }, filter: "dotI8", ms: 5,
      onProgress: (p) => progress.push(p),
    });
    equal(record.schema, SCHEMA);
    ok(record.builds.includes((await env.load()).variant), "the default build is measured");
    ok(record.roofline["read 64 MiB"] > 0 && record.roofline["read 8 MiB"] > 0 && record.roofline["write 4 MiB"] > 0, "rooflines measured");
    const builds = record.results.map((r) => r.build);
    ok(builds.includes("plain JS") && record.builds.every((b) => builds.includes(b)), `results for ${builds}`);
    for (const r of record.results) ok(r.ms > 0 && r.gmacs > 0, `${r.build}: ${r.ms} ms`);
    ok(record.results.filter((r) => r.build !== "plain JS").every((r) => r.xJs > 0), "ratios to plain JS");
    equal(progress[progress.length - 1].done, progress[progress.length - 1].total);
    const text = formatRecord(record);
    ok(text.includes("dotI8") && text.includes("x JS"), text);
    const compared = formatComparison(record, record);
    ok(compared.includes("1.00x"), compared);
  });

  test("measureBandwidth reads, writes and copies; a bad mode or size is an INVALID_ARGUMENT", async () => {
    const qs = await env.load();
    for (const mode of [undefined, "read", "write", "copy"]) {
      const gbs = qs.measureBandwidth(1 << 16, { mode, ms: 1 });
      ok(Number.isFinite(gbs) && gbs > 0, `${mode}: ${gbs} GB/s`);
    }
    await rejects(() => qs.measureBandwidth(1 << 16, { mode: "fill" }), "INVALID_ARGUMENT", /mode must be "read", "write" or "copy", got fill/);
    await rejects(() => qs.measureBandwidth(32), "INVALID_ARGUMENT", /byteLength must be an integer from 64/);
  });
}
