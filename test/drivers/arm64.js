// Arm's float units make NaNs without x86's sign (and ggml's vectors come from x86), so the
// suites that compare bits with ggml's vectors also run on Arm: Debian's arm64 Node under
// qemu-aarch64 (see .ci/arm64-node). Only these suites: emulated, the whole set takes ~5 minutes.
import { test } from "uvu";
import * as qsimd from "qsimd";
import { emptyResult, report, runTest } from "../lib/runner.js";
import gguf from "../suites/gguf.js";
import vectors from "../suites/vectors.js";
import { fsEnv } from "./fs-env.js";

const env = fsEnv("node-arm64", qsimd, process.env.CI === "true");
const result = emptyResult();
for (const register of [vectors, gguf]) {
  register((name, fn) =>
    test(name, async () => {
      const error = await runTest(result, name, fn, (line) => line.startsWith("skip") && console.log(line));
      if (error) throw error;
    }), env);
}
if (process.arch !== "arm64") throw new Error(`node-arm64 runs on ${process.arch}`);
const { variant } = await qsimd.load();
process.on("exit", () => report("node-arm64", variant, result));
test.run();
