// Node: the shared suites plus the Node-only ones, under uvu. Imports the package by its own
// name, so Node's export conditions pick the entry point exactly as they do for users.
import { test } from "uvu";
import * as qsimd from "qsimd";
import { emptyResult, report, runTest } from "../lib/runner.js";
import { suites } from "../suites/index.js";
import nodeOnly from "../node/index.js";
import { fsEnv } from "./fs-env.js";

const env = fsEnv("node", qsimd, process.env.CI === "true");
const result = emptyResult();

for (const register of [...suites, nodeOnly]) {
  register((name, fn) =>
    test(name, async () => {
      // uvu reports a failure when the test throws; the counts go to test/run.js.
      const error = await runTest(result, name, fn, (line) => line.startsWith("skip") && console.log(line));
      if (error) throw error;
    }), env);
}

const { variant } = await qsimd.load();
process.on("exit", () => report("node", variant, result));
test.run();
