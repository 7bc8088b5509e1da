// Same bits in every build: each kernel runs in all builds this runtime supports, on random
// inputs, and the outputs are compared byte for byte.
import { equal, ok, sameBits } from "../lib/assert.js";
import { runnableVariants } from "../lib/env.js";
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
      }));
      for (let i = 1; i < instances.length; i++) {
        const what = `${instances[i].variant} vs ${instances[0].variant}, round ${round}, n = ${n}`;
        for (const key of ["f16", "f16Back", "bf16", "bf16Back"]) sameBits(results[i][key], results[0][key], `${key}, ${what}`);
        equal(results[i].dot, results[0].dot, `dotI8, ${what}`);
      }
    }
  });
}
