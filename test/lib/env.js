// What a suite gets from its runtime's driver:
//   runtime            name of the runtime ("node", "deno", "bun", "workerd", "chromium", "firefox", "webkit")
//   load, loadSync     the package's entry point for that runtime
//   quantizeMultiplier the entry point's pure helper of that name
//   api                the entry point module itself (readGguf, writeGguf, ...)
//   buildSource(v)     a source that runtime can load one build from (bytes, or a Module where bytes cannot compile)
//   module(v)          a compiled WebAssembly.Module of a build
//   buildUrl(v)        the URL of a build's file, where the runtime can read URLs (else undefined)
//   sharedPath(path)   the file path of ../shared/<path>, where the runtime has file paths (Node, Deno, Bun)
//   shared(path, kind) contents of ../shared/<path> ("bytes" or "text"); see needShared
//   ci                 true under CI=true

export const SKIP = Symbol("skip");

/**
 * Reads a file from ../shared, or stops the test: under CI a missing file fails loudly; on a
 * developer's machine without ../shared the test is reported as skipped.
 */
export async function needShared(env, path, kind = "bytes") {
  const data = await env.shared(path, kind);
  if (data !== undefined) return data;
  const message = `../shared/${path} is missing`;
  if (env.ci) throw new Error(`${message} (CI=true: the shared oracles must be present)`);
  skip(message);
}

/** Stops a test that does not apply here; the runner reports it as skipped, with the reason. */
export function skip(reason) {
  throw Object.assign(new Error(reason), { [SKIP]: true });
}

/** Builds this runtime can run, from its own feature report. */
export function runnableVariants(features) {
  return ["scalar", ...(features.simd ? ["simd"] : []), ...(features.relaxedSimd ? ["relaxed"] : [])];
}
