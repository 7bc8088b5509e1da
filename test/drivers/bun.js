// bun test/drivers/bun.js  (the entry Bun gets: file-reading, like Node)
import * as qsimd from "../../dist/entry/node.js";
import { report, runSuites } from "../lib/runner.js";
import { suites } from "../suites/index.js";
import { fsEnv } from "./fs-env.js";

const env = fsEnv("bun", qsimd, process.env.CI === "true");
const result = await runSuites(suites, env, console.log);
report("bun", (await qsimd.load()).variant, result);
