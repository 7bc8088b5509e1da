// The portable runner: every runtime but Node (which uses uvu) runs the suites through this.
import { SKIP } from "./env.js";

export async function runSuites(suites, env, log = () => {}) {
  const tests = [];
  for (const register of suites) register((name, fn) => tests.push({ name, fn }), env);
  const result = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const { name, fn } of tests) {
    try {
      await fn();
      result.passed++;
    } catch (error) {
      if (error?.[SKIP]) {
        result.skipped++;
        log(`skip ${name}: ${error.message}`);
        continue;
      }
      result.failed++;
      result.failures.push({ name, message: describeError(error) });
      log(`FAIL ${name}: ${error?.message ?? error}`);
    }
  }
  return result;
}

/** Message and stack: some engines (JavaScriptCore) leave the message out of `stack`. */
export function describeError(error) {
  const stack = String(error?.stack ?? "");
  const message = `${error?.name ?? "Error"}: ${error?.message ?? error}`;
  return stack.includes(String(error?.message)) ? stack : `${message}\n${stack}`;
}
