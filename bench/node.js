// npm run bench [-- --filter TEXT] [--quick] [--json FILE]: every case in every build this host
// runs, beside its plain-JavaScript baseline and the memory roofline, all in one run.
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { load } from "../dist/entry/node.js";
import { cases } from "./cases.js";
import { measure } from "./runner.js";

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const filter = option("--filter");
const ms = args.includes("--quick") ? 150 : 400;

const best = await load();
const variants = ["scalar", ...(best.features.simd ? ["simd"] : []), ...(best.features.relaxedSimd ? ["relaxed"] : [])];
const instances = await Promise.all(variants.map((variant) => load({ variant })));
console.log(`qsimd bench: Node ${process.versions.node}, ${cpus()[0]?.model ?? "?"}, ${cpus().length} CPUs; builds ${variants.join(", ")}; median of repeated samples`);

const roofline = {};
const rows = [];
const show = (v, digits = 2) => (v === undefined ? "" : v.toFixed(digits));
for (const c of cases) {
  if (filter && !c.name.includes(filter) && c.kind !== "roofline") continue;
  if (c.kind === "roofline") {
    roofline[c.size] = c.make(best).gbs();
    rows.push({ case: c.name, build: best.variant, rate: `${show(roofline[c.size], 1)} GB/s` });
    continue;
  }
  let jsMs;
  for (const q of instances) {
    const made = c.make(q);
    if (made.js && jsMs === undefined) jsMs = measure(made.js, { ms }).ms;
    const r = measure(made.qsimd, { ms });
    made.free?.();
    const perSecond = (units) => units / (r.ms / 1000);
    const w = c.work;
    const rate = w.macs ? `${show(perSecond(w.macs) / 1e9)} G MAC/s` : `${show(perSecond(w.elements) / 1e9)} G elem/s`;
    const gbs = w.bytes ? perSecond(w.bytes) / 1e9 : undefined;
    rows.push({
      case: c.name, build: q.variant, ms: show(r.ms, 3), rate,
      "GB/s": show(gbs, 1),
      "x JS": jsMs ? show(jsMs / r.ms, 1) : "",
      "of roofline": gbs && roofline[c.roofline] ? `${Math.round((100 * gbs) / roofline[c.roofline])}% of ${c.roofline}` : "",
      spread: `${Math.round(r.spread * 100)}%${r.noisy ? " noisy" : ""}`,
    });
  }
  if (jsMs !== undefined) rows.push({ case: c.name, build: "plain JS", ms: show(jsMs, 3) });
}

const columns = ["case", "build", "ms", "rate", "GB/s", "x JS", "of roofline", "spread"];
const widths = columns.map((col) => Math.max(col.length, ...rows.map((r) => String(r[col] ?? "").length)));
const line = (cells) => cells.map((cell, i) => String(cell ?? "").padEnd(widths[i])).join("  ").trimEnd();
console.log(line(columns));
for (const r of rows) console.log(line(columns.map((col) => r[col])));
const json = option("--json");
if (json) writeFileSync(json, JSON.stringify({ runtime: `node ${process.versions.node}`, cpus: cpus().length, date: new Date().toISOString(), rows }, null, 1));
