// deno run --allow-read --allow-write bench/deno.js [--full] [--filter TEXT] [--json FILE]
import { load } from "../dist/entry/fetch.js";
import { parseArgs } from "./cli-args.js";
import { formatRecord } from "./report.js";
import { runSuite } from "./suite.js";

const options = parseArgs(Deno.args);
const record = await runSuite({
  ...options, load, runtime: { name: "deno", version: Deno.version.deno },
  onProgress: ({ done, total, label }) => console.error(`[${done}/${total}] ${label}`),
});
console.log(formatRecord(record));
if (options.json) Deno.writeTextFileSync(options.json, JSON.stringify(record, null, 1));
