// bun bench/bun.js [--full] [--filter TEXT] [--json FILE]
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { load } from "../dist/entry/node.js";
import { parseArgs } from "./cli-args.js";
import { formatRecord } from "./report.js";
import { runSuite } from "./suite.js";

const options = parseArgs(process.argv.slice(2));
const record = await runSuite({
  ...options, load, runtime: { name: "bun", version: Bun.version }, cpus: cpus().length,
  onProgress: ({ done, total, label }) => console.error(`[${done}/${total}] ${label}`),
});
console.log(formatRecord(record));
if (options.json) writeFileSync(options.json, JSON.stringify(record, null, 1));
