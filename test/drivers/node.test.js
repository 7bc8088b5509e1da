// Node: the shared suites plus the Node-only ones, under uvu. Imports the package by its own
// name, so Node's export conditions pick the entry point exactly as they do for users.
import { test } from "uvu";
import * as qsimd from "qsimd";
import { SKIP } from "../lib/env.js";
import { describeError } from "../lib/runner.js";
import { suites } from "../suites/index.js";
import nodeOnly from "../node/index.js";
import { fsEnv, report } from "./fs-env.js";

const env = fsEnv("node", qsimd, process.env.CI === "true");
const result = { passed: 0, failed: 0, skipped: 0, failures: [] };

for (const register of [...suites, nodeOnly]) {
  register((name, fn) =>
    test(name, async () => {
      try {
        await fn();
        result.passed++;
      } catch (error) {
        if (error?.[SKIP]) {
          result.skipped++;
          console.log(`skip ${name}: ${error.message}`);
          return;
        }
        result.failed++;
        result.failures.push({ name, message: describeError(error) });
        throw error;
      }
    }), env);
}

const { variant } = await qsimd.load();
process.on("exit", () => report("node", variant, result));
test.run();
