// The portable runner: every runtime but Node (which uses uvu) runs the suites through this.
import { SKIP } from "./env.js";

export function emptyResult() {
  return { passed: 0, failed: 0, skipped: 0, failures: [] };
}

/** Runs one test and counts it into `result`; returns the error of a failed test. */
export async function runTest(result, name, fn, log) {
  try {
    await fn();
    result.passed++;
  } catch (error) {
    if (error?.[SKIP]) {
      result.skipped++;
      log(`skip ${name}: ${error.message}`);
      return undefined;
    }
    result.failed++;
    result.failures.push({ name, message: describeError(error) });
    log(`FAIL ${name}: ${error?.message ?? error}`);
    return error ?? new Error(String(error));
  }
}

export async function runSuites(suites, env, log = () => {}) {
  const tests = [];
  for (const register of suites) register((name, fn) => tests.push({ name, fn }), env);
  const result = emptyResult();
  for (const { name, fn } of tests) await runTest(result, name, fn, log);
  return result;
}

/** The one line every driver ends with; test/run.js reads it. */
export function report(runtime, variant, result, print = console.log) {
  print(`QSIMD_RESULT ${JSON.stringify({ runtime, variant, ...result })}`);
}

/** Message and stack: some engines (JavaScriptCore) leave the message out of `stack`. */
export function describeError(error) {
  const stack = String(error?.stack ?? "");
  const message = `${error?.name ?? "Error"}: ${error?.message ?? error}`;
  return stack.includes(String(error?.message)) ? stack : `${message}\n${stack}`;
}
