import { describe } from "./check.js";
import { QsimdError } from "./errors.js";
import { type Variant, VARIANTS, variantOf, wasmExports } from "./exports.js";
import { type Features, validateFeatures } from "./features.js";
import { createInstance, type Qsimd } from "./instance.js";
import { selfTest } from "./self-test.js";

/** Anything a qsimd build can come from. Strings are URLs. */
export type WasmSource =
  | WebAssembly.Module
  | ArrayBuffer
  | ArrayBufferView
  | URL
  | string
  | Response
  | PromiseLike<Response>;

export interface LoadOptions {
  /** Force a build; fails with `UNSUPPORTED_VARIANT` if the host cannot run it. Default: the best one. */
  variant?: Variant;
  /**
   * Where the wasm comes from. One source is one build (which one is read from the module); a
   * function is asked for each build the loader wants. Default: the runtime entry point's own files.
   */
  source?: WasmSource | ((variant: Variant) => WasmSource | PromiseLike<WasmSource>);
}

/** How a runtime entry point turns a build name or a URL into a compiled module. */
export interface Host {
  /** The module of one of the package's own builds. */
  module(variant: Variant): Promise<WebAssembly.Module>;
  /** Bytes or a Response behind a URL (fetch, or the file system). */
  open(url: URL): Promise<ArrayBuffer | ArrayBufferView | Response>;
}

const HOW_TO_IMPORT =
  'this runtime forbids compiling WebAssembly from bytes (Cloudflare Workers / workerd). Import the build as a module instead: `import simd from "qsimd/wasm/simd.wasm"; await load({ source: simd })`, or import "qsimd" under the "workerd" condition, which does that for you';

const requireNotes: Record<Variant, string> = {
  relaxed: "WebAssembly relaxed SIMD (i32x4.relaxed_dot_i8x16_i7x16_add_s)",
  simd: "WebAssembly SIMD128",
  scalar: "WebAssembly",
};

// One verdict per compiled module: the self-test runs once, however many instances follow.
const verdicts = new WeakMap<WebAssembly.Module, boolean>();

export async function compileSource(source: WasmSource, host: Host): Promise<WebAssembly.Module> {
  let resolved;
  try {
    resolved = await source;
  } catch (cause) {
    throw new QsimdError("LOAD_FAILED", `could not read the wasm: ${(cause as Error)?.message ?? cause}`, { cause });
  }
  if (resolved instanceof WebAssembly.Module) return resolved;
  if (typeof resolved === "string" || (typeof URL === "function" && resolved instanceof URL)) {
    let url: URL;
    try {
      url = new URL(resolved);
    } catch (cause) {
      throw new QsimdError("INVALID_ARGUMENT", `source ${JSON.stringify(String(resolved))} is not an absolute URL`, { cause });
    }
    let opened;
    try {
      opened = await host.open(url);
    } catch (cause) {
      throw new QsimdError("LOAD_FAILED", `could not read ${url.href}: ${(cause as Error)?.message ?? cause}`, { cause });
    }
    return compileSource(opened, host);
  }
  if (typeof Response !== "undefined" && resolved instanceof Response) return compileResponse(resolved);
  if (resolved instanceof ArrayBuffer || ArrayBuffer.isView(resolved)) return compileBytes(resolved as BufferSource);
  throw new QsimdError("INVALID_ARGUMENT", `source must be a WebAssembly.Module, bytes, a URL or a Response, got ${describe(resolved)}`);
}

async function compileResponse(response: Response): Promise<WebAssembly.Module> {
  if (!response.ok) throw new QsimdError("LOAD_FAILED", `fetching ${response.url || "the wasm"} failed: HTTP ${response.status}`);
  // Streaming compilation needs the application/wasm content type; anything else falls back to bytes.
  if (typeof WebAssembly.compileStreaming === "function" && response.headers.get("content-type")?.startsWith("application/wasm")) {
    try {
      return await WebAssembly.compileStreaming(response);
    } catch (cause) {
      throw loadError(cause);
    }
  }
  return compileBytes(await response.arrayBuffer());
}

async function compileBytes(bytes: BufferSource): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes);
  } catch (cause) {
    throw loadError(cause);
  }
}

function loadError(cause: unknown): QsimdError {
  const message = String((cause as Error)?.message ?? cause);
  if (/code generation|disallowed|not allowed/i.test(message)) {
    return new QsimdError("CODEGEN_DISALLOWED", HOW_TO_IMPORT, { cause });
  }
  return new QsimdError("LOAD_FAILED", `could not compile the wasm: ${message}`, { cause });
}

// Asynchronous instantiation: browsers refuse synchronous instantiation of larger modules on the main thread.
async function instantiate(module: WebAssembly.Module, features: Features): Promise<Qsimd> {
  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(module, {});
  } catch (cause) {
    throw loadError(cause);
  }
  return checked(module, instance, features);
}

function checked(module: WebAssembly.Module, instance: WebAssembly.Instance, features: Features): Qsimd {
  const e = wasmExports(instance);
  const variant = e && variantOf(e);
  if (!e || !variant) throw new QsimdError("LOAD_FAILED", "the module is not a qsimd build (its exports do not match)");
  const q = createInstance(e, variant, features);
  let verdict = verdicts.get(module);
  if (verdict === undefined) {
    verdict = selfTest(q, e);
    verdicts.set(module, verdict);
  }
  if (!verdict) {
    if (variant === "relaxed") features.relaxedSimd = false;
    throw new QsimdError(
      "UNSUPPORTED_VARIANT",
      `the ${variant} build computed its load-time self-test wrongly on this host` +
        (variant === "relaxed" ? " (an engine with a broken relaxed dot product, e.g. Node 20 with --experimental-wasm-relaxed-simd); the simd build works here" : ""),
    );
  }
  return q;
}

function unsupported(variant: Variant, features: Features): QsimdError {
  const usable = VARIANTS.filter((v) => supports(features, v));
  return new QsimdError(
    "UNSUPPORTED_VARIANT",
    `the ${variant} build needs ${requireNotes[variant]}, which this host does not support; ` +
      (usable.length ? `builds that work here: ${usable.join(", ")}` : "no build works here"),
  );
}

function supports(features: Features, variant: Variant): boolean {
  if (typeof WebAssembly !== "object") return false;
  return variant === "scalar" || (variant === "simd" ? features.simd : features.relaxedSimd);
}

/** The loader behind every runtime entry point. */
export async function loadWith(host: Host, options: LoadOptions = {}): Promise<Qsimd> {
  if (typeof options !== "object" || options === null) {
    throw new QsimdError("INVALID_ARGUMENT", `load() options must be an object, got ${describe(options)}`);
  }
  const { variant, source } = options;
  if (variant !== undefined && !VARIANTS.includes(variant)) {
    throw new QsimdError("INVALID_ARGUMENT", `unknown variant ${JSON.stringify(variant)}; expected one of ${VARIANTS.join(", ")}`);
  }
  if (typeof WebAssembly !== "object") {
    throw new QsimdError("UNSUPPORTED_VARIANT", "this host has no WebAssembly; no build of qsimd can run here");
  }
  const features: Features = { ...validateFeatures() };

  // One given source: that build, whichever it is.
  if (source !== undefined && typeof source !== "function") {
    const module = await compileSource(source, host);
    const q = await instantiate(module, features);
    if (variant !== undefined && q.variant !== variant) {
      throw new QsimdError("INVALID_ARGUMENT", `variant ${variant} was asked for, but the source is the ${q.variant} build`);
    }
    return q;
  }

  const moduleOf = (v: Variant) => (source ? compileSource(source(v), host) : host.module(v));

  // Settle whether relaxed SIMD really works before reporting it, even when a lower build is forced.
  if (features.relaxedSimd && variant !== undefined && variant !== "relaxed") {
    await tryVariant("relaxed", moduleOf, features);
  }
  if (variant !== undefined) {
    if (!supports(features, variant)) throw unsupported(variant, features);
    return instantiate(await moduleOf(variant), features);
  }
  for (const v of VARIANTS) {
    if (!supports(features, v)) continue;
    const q = await tryVariant(v, moduleOf, features);
    if (q) return q;
  }
  throw unsupported("scalar", features);
}

async function tryVariant(v: Variant, moduleOf: (v: Variant) => Promise<WebAssembly.Module>, features: Features): Promise<Qsimd | undefined> {
  try {
    return await instantiate(await moduleOf(v), features);
  } catch (error) {
    if (error instanceof QsimdError && error.code === "UNSUPPORTED_VARIANT") return undefined;
    throw error;
  }
}

/** Instantiates a build synchronously, for hosts that already hold its compiled module. */
export function loadSync(module: WebAssembly.Module): Qsimd {
  if (!(module instanceof WebAssembly.Module)) {
    throw new QsimdError("INVALID_ARGUMENT", `loadSync() takes a WebAssembly.Module, got ${describe(module)}`);
  }
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, {});
  } catch (cause) {
    throw loadError(cause);
  }
  return checked(module, instance, { ...validateFeatures() });
}
