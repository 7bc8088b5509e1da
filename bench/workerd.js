// node bench/workerd.js [--full] [--filter TEXT] [--variant NAME] [--json FILE]: the suite in workerd,
// served on 127.0.0.1; timers there tick in about 1 ms steps, so the portable timer batches calls.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import workerd from "workerd";
import { packageModules, portableBenchFiles, root, serveWorker } from "../scripts/workerd-serve.js";
import { parseArgs } from "./cli-args.js";
import { formatRecord } from "./report.js";

const options = parseArgs(process.argv.slice(2));
const es = (name) => ({ name, path: join(root, name), type: "esModule" });
const { url, stop } = await serveWorker([
  es("bench/workerd-worker.js"),
  ...packageModules(),
  ...portableBenchFiles.map((f) => es(`bench/${f}`)),
]);
try {
  const query = new URLSearchParams({ version: workerd.version, ...(options.full ? { full: "1" } : {}), ...(options.filter ? { filter: options.filter } : {}), ...(options.variant ? { variant: options.variant } : {}) });
  const response = await fetch(`${url}?${query}`);
  if (!response.ok) throw new Error(`workerd answered ${response.status}: ${await response.text()}`);
  const record = await response.json();
  console.log(formatRecord(record));
  if (options.json) writeFileSync(options.json, JSON.stringify(record, null, 1));
} finally {
  stop();
}
