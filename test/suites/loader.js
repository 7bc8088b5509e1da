// The loader: build choice, forced builds, every kind of source, failures that say what is wrong.
import { equal, ok, rejects } from "../lib/assert.js";
import { runnableVariants, skip } from "../lib/env.js";

const ALL = ["relaxed", "simd", "scalar"];
// A valid module that is not qsimd: magic and version only.
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

export default function loader(test, env) {
  test("load() picks the best build the host supports and reports features", async () => {
    const q = await env.load();
    equal(typeof q.features.simd, "boolean");
    equal(typeof q.features.relaxedSimd, "boolean");
    const best = q.features.relaxedSimd ? "relaxed" : q.features.simd ? "simd" : "scalar";
    equal(q.variant, best);
    ok(Object.isFrozen(q.features), "features are read-only");
  });

  test("every runnable build can be forced; the others fail with UNSUPPORTED_VARIANT naming what works", async () => {
    const { features } = await env.load();
    const runnable = runnableVariants(features);
    for (const variant of ALL) {
      if (runnable.includes(variant)) {
        equal((await env.load({ variant })).variant, variant);
      } else {
        await rejects(() => env.load({ variant }), "UNSUPPORTED_VARIANT", new RegExp(`builds that work here: ${runnable.slice().reverse().join(", ")}`));
      }
    }
  });

  test("options are checked", async () => {
    await rejects(() => env.load({ variant: "avx512" }), "INVALID_ARGUMENT", /unknown variant "avx512"/);
    await rejects(() => env.load("simd"), "INVALID_ARGUMENT", /options must be an object/);
    await rejects(() => env.load({ source: 42 }), "INVALID_ARGUMENT", /source must be/);
    await rejects(() => env.load({ source: "not a url" }), "INVALID_ARGUMENT", /not an absolute URL/);
  });

  test("instances are independent", async () => {
    const [p, q] = await Promise.all([env.load(), env.load()]);
    ok(p !== q);
    const a = Int8Array.from({ length: 300 }, (_, i) => i);
    const b = Int8Array.from({ length: 300 }, (_, i) => -i);
    const expected = p.dotI8(a, b);
    // Interleaved calls with different data must not disturb each other.
    q.f32ToF16(new Float32Array(100_000).fill(3));
    equal(p.dotI8(a, b), expected);
    equal(q.dotI8(a, b), expected);
  });

  test("a single source loads that build, whichever it is", async () => {
    for (const variant of runnableVariants((await env.load()).features)) {
      const q = await env.load({ source: await env.buildSource(variant) });
      equal(q.variant, variant);
      equal(q.dotI8(Int8Array.of(-128, 5), Int8Array.of(-128, 7)), 16384 + 35);
    }
    await rejects(async () => env.load({ variant: "simd", source: await env.buildSource("scalar") }), "INVALID_ARGUMENT", /source is the scalar build/);
  });

  test("a source function is asked for each build", async () => {
    const asked = [];
    const q = await env.load({ source: (variant) => (asked.push(variant), env.buildSource(variant)) });
    equal(asked[asked.length - 1], q.variant);
  });

  test("a WebAssembly.Module source and loadSync(module)", async () => {
    const module = await env.module("scalar");
    equal((await env.load({ source: module })).variant, "scalar");
    const q = env.loadSync(module);
    equal(q.variant, "scalar");
    equal(q.dotI8(Int8Array.of(1, 2, 3), Int8Array.of(4, 5, 6)), 32);
    await rejects(() => env.loadSync(new Uint8Array(8)), "INVALID_ARGUMENT", /loadSync\(\) takes a WebAssembly.Module/);
  });

  test("a URL source, as a URL object or a string", async () => {
    if (!env.buildUrl) skip(`${env.runtime} cannot read URLs`);
    equal((await env.load({ source: env.buildUrl("scalar") })).variant, "scalar");
    equal((await env.load({ source: env.buildUrl("scalar").href })).variant, "scalar");
    await rejects(() => env.load({ source: new URL("missing.wasm", env.buildUrl("scalar")) }), "LOAD_FAILED");
  });

  test("a Response source, streaming or not", async () => {
    if (typeof Response !== "function") skip(`${env.runtime} has no Response`);
    const bytes = await env.buildSource("scalar");
    if (bytes instanceof WebAssembly.Module) skip(`${env.runtime} cannot compile bytes`);
    for (const type of ["application/wasm", "application/octet-stream"]) {
      const q = await env.load({ source: new Response(bytes, { headers: { "content-type": type } }) });
      equal(q.variant, "scalar", type);
    }
    await rejects(() => env.load({ source: new Response("nope", { status: 404 }) }), "LOAD_FAILED", /HTTP 404/);
  });

  test("bytes that are not a qsimd build fail with LOAD_FAILED (or, where bytes cannot compile, say how to import)", async () => {
    const source = await env.buildSource("scalar");
    if (source instanceof WebAssembly.Module) {
      // workerd: compiling bytes is forbidden; the error must say how to import the module instead.
      await rejects(() => env.load({ source: EMPTY_MODULE }), "CODEGEN_DISALLOWED", /import/i);
      return;
    }
    await rejects(() => env.load({ source: EMPTY_MODULE }), "LOAD_FAILED", /not a qsimd build/);
    await rejects(() => env.load({ source: new Uint8Array([1, 2, 3]) }), "LOAD_FAILED", /could not compile/);
  });
}
