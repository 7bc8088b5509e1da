// The browser test page: runs the suites with the fetch-based entry (what browsers get) and
// leaves the result in window.qsimdResult for the driver; also readable by a person.
import * as qsimd from "../../dist/entry/fetch.js";
import { runSuites } from "../lib/runner.js";
import { suites } from "../suites/index.js";

const params = new URLSearchParams(location.search);
const out = document.getElementById("out");
const log = (line) => (out.textContent += `\n${line}`);
const buildSource = async (variant) => new Uint8Array(await (await fetch(`../../dist/wasm/${variant}.wasm`)).arrayBuffer());
const env = {
  runtime: params.get("runtime") ?? "browser",
  ci: params.get("ci") === "1",
  load: qsimd.load,
  loadSync: qsimd.loadSync,
  quantizeMultiplier: qsimd.quantizeMultiplier,
  api: qsimd,
  buildSource,
  buildUrl: (variant) => new URL(`../../dist/wasm/${variant}.wasm`, import.meta.url),
  module: async (variant) => WebAssembly.compile(await buildSource(variant)),
  async shared(path, kind) {
    const response = await fetch(`/shared/${path}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`/shared/${path}: HTTP ${response.status}`);
    return kind === "text" ? response.text() : new Uint8Array(await response.arrayBuffer());
  },
};

window.qsimdResult = (async () => {
  try {
    const result = await runSuites(suites, env, log);
    const variant = (await qsimd.load()).variant;
    log(`${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped (build ${variant})`);
    return { runtime: env.runtime, variant, ...result };
  } catch (error) {
    log(String(error?.stack ?? error));
    return { runtime: env.runtime, variant: null, passed: 0, failed: 1, skipped: 0, failures: [{ name: "page", message: String(error?.stack ?? error) }] };
  }
})();
