// Same bits in every build: each kernel runs in all builds this runtime supports, on random
// inputs, and the outputs are compared byte for byte.
import { equal, ok, sameBits } from "../lib/assert.js";
import { runnableVariants } from "../lib/env.js";
import { LINEAR_TYPES, randomLinearCase } from "../lib/linear-cases.js";
import { nastyFloats, randomInt8, rng } from "../lib/random.js";

export default function identity(test, env) {
  test("every build gives identical bytes for every kernel on random inputs", async () => {
    const first = await env.load();
    const variants = runnableVariants(first.features);
    ok(variants.includes(first.variant), `default build ${first.variant} is among ${variants}`);
    const instances = await Promise.all(variants.map((variant) => env.load({ variant })));
    const r = rng(2024);
    for (let round = 0; round < 20; round++) {
      const n = r.int(0, 3000);
      const x = nastyFloats(r, n);
      const h = new Uint16Array(n).map(() => r.u32());
      const a = randomInt8(r, n);
      const b = randomInt8(r, n);
      const results = instances.map((q) => ({
        f16: q.f32ToF16(x), f16Back: q.f16ToF32(h), bf16: q.f32ToBf16(x), bf16Back: q.bf16ToF32(h), dot: q.dotI8(a, b),
        dotU8: q.dotU8I8(new Uint8Array(a.buffer), b),
      }));
      for (let i = 1; i < instances.length; i++) {
        const what = `${instances[i].variant} vs ${instances[0].variant}, round ${round}, n = ${n}`;
        for (const key of ["f16", "f16Back", "bf16", "bf16Back"]) sameBits(results[i][key], results[0][key], `${key}, ${what}`);
        equal(results[i].dot, results[0].dot, `dotI8, ${what}`);
        equal(results[i].dotU8, results[0].dotU8, `dotU8I8, ${what}`);
      }
    }
  });

  test("every build gives identical bytes for linear quantization on random layouts", async () => {
    const { features } = await env.load();
    const instances = await Promise.all(runnableVariants(features).map((variant) => env.load({ variant })));
    const r = rng(4048);
    for (let round = 0; round < 60; round++) {
      const type = LINEAR_TYPES[round % LINEAR_TYPES.length];
      const c = randomLinearCase(r, type);
      const results = instances.map((q) => {
        const codes = q.quantizeLinear(c.x, c.options);
        const params = q.quantParams(c.x, { type, shape: c.options.shape, axis: c.options.axis, blockSize: c.options.blockSize, symmetric: round % 2 === 1 });
        const dynamic = q.dynamicQuantizeLinear(c.x);
        return { codes, back: q.dequantizeLinear(codes, { ...c.options, type }), scale: params.scale, zeroPoint: params.zeroPoint, dynamic: dynamic.data, dynamicScale: Float32Array.of(dynamic.scale) };
      });
      for (let i = 1; i < instances.length; i++) {
        for (const key of Object.keys(results[0])) {
          sameBits(results[i][key], results[0][key], `${key}: ${instances[i].variant} vs ${instances[0].variant}, ${c.what}`);
        }
      }
    }
  });
}
