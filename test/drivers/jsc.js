// WebKit's engine through the jsc shell: jsc -m test/drivers/jsc.js [-- ci], run from the
// repository root. The shell has no fetch and no file API but readFile, so this runs the
// `qsimd/inline` entry.
import * as qsimd from "../../dist/entry/inline.js";
import { report, runSuites } from "../lib/runner.js";
import { suites } from "../suites/index.js";

const buildSource = (variant) => readFile(`dist/wasm/${variant}.wasm`, "binary");
const env = {
  runtime: "webkit",
  ci: typeof arguments !== "undefined" && Array.prototype.includes.call(arguments, "ci"),
  load: qsimd.load,
  loadSync: qsimd.loadSync,
  quantizeMultiplier: qsimd.quantizeMultiplier,
  api: qsimd,
  buildSource,
  module: (variant) => WebAssembly.compile(buildSource(variant)),
  shared(path, kind) {
    try {
      return kind === "text" ? readFile(`../shared/${path}`) : readFile(`../shared/${path}`, "binary");
    } catch {
      return undefined;
    }
  },
};
const result = await runSuites(suites, env, print);
report("webkit", (await qsimd.load()).variant, result, print);
