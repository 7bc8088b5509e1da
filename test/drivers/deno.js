// deno run --allow-read --allow-env test/drivers/deno.js  (the entry Deno gets: fetch-based)
import * as qsimd from "../../dist/entry/fetch.js";
import { report, runSuites } from "../lib/runner.js";
import { suites } from "../suites/index.js";
import { fsEnv } from "./fs-env.js";

const env = fsEnv("deno", qsimd, Deno.env.get("CI") === "true");
const result = await runSuites(suites, env, console.log);
report("deno", (await qsimd.load()).variant, result);
