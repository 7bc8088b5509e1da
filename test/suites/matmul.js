// MatMulInteger and its requantized forms against the ONNX / gemmlowp oracles, with typed arrays and
// resident buffers.
import { equal, ok, rejects, sameBits } from "../lib/assert.js";
import * as onnx from "../lib/onnx.js";
import { rng } from "../lib/random.js";

const f = Math.fround;
const TYPES = ["int8", "uint8"];
const ARRAY = { int8: Int8Array, uint8: Uint8Array };
const RANGE = { int8: [-128, 127], uint8: [0, 255] };

function randomMatmul(r, m, k, n) {
  const aType = TYPES[r.u32() % 2];
  const bType = TYPES[r.u32() % 2];
  const a = ARRAY[aType].from({ length: m * k }, () => r.u32());
  const b = ARRAY[bType].from({ length: k * n }, () => r.u32());
  const aZp = r.u32() % 3 === 0 ? Array.from({ length: m }, () => r.int(...RANGE[aType])) : [r.int(...RANGE[aType])];
  const bZp = r.u32() % 3 === 0 ? Array.from({ length: n }, () => r.int(...RANGE[bType])) : [r.u32() % 2 ? 0 : r.int(...RANGE[bType])];
  return { a, b, aType, bType, aZp, bZp, options: { m, k, n, aType, bType, aZeroPoint: aZp, bZeroPoint: bZp } };
}

const SHAPES = [[1, 1, 1], [1, 7, 5], [1, 33, 16], [2, 64, 48], [3, 37, 21], [1, 4096, 64], [5, 100, 33], [16, 65, 40], [4, 0, 16], [0, 5, 5], [7, 16, 0]];

export default function matmul(test, env) {
  let q;
  const instance = async () => (q ??= await env.load());

  test("matmulInteger equals the ONNX MatMulInteger oracle for every type pair and zero-point form", async () => {
    const qs = await instance();
    const r = rng(55);
    for (const [m, k, n] of SHAPES) {
      for (let round = 0; round < 3; round++) {
        const c = randomMatmul(r, m, k, n);
        sameBits(qs.matmulInteger(c.a, c.b, c.options), onnx.matmulInteger(c.a, c.b, m, k, n, c.aZp, c.bZp), `${c.aType} x ${c.bType} [${m}, ${k}, ${n}]`);
      }
    }
  });

  test("matmulInteger wraps like int32 arithmetic when the sums overflow", async () => {
    const qs = await instance();
    const k = 40000; // 255 * 255 * 40000 > 2^31
    const a = new Uint8Array(k).fill(255);
    const b = new Uint8Array(k).fill(255);
    const got = qs.matmulInteger(a, b, { m: 1, k, n: 1 });
    equal(got[0], (255 * 255 * k) | 0);
  });

  test("resident operands and outputs give the same results as typed arrays", async () => {
    const qs = await instance();
    const r = rng(8);
    const c = randomMatmul(r, 3, 50, 32);
    const want = onnx.matmulInteger(c.a, c.b, 3, 50, 32, c.aZp, c.bZp);
    const a = qs.upload(c.a);
    const b = qs.upload(c.b);
    sameBits(qs.matmulInteger(a, b, c.options), want);
    const out = qs.alloc(3 * 32 * 4);
    equal(qs.matmulInteger(a, c.b, { ...c.options, out }), out);
    sameBits(out.view(Int32Array), want);
    const arrayOut = new Int32Array(96);
    equal(qs.matmulInteger(c.a, b, { ...c.options, out: arrayOut }), arrayOut);
    sameBits(arrayOut, want);
    // A raw alloc() buffer needs its type said.
    const raw = qs.alloc(c.b.length);
    raw.view().set(new Uint8Array(c.b.buffer));
    sameBits(qs.matmulInteger(c.a, raw, { ...c.options, bType: c.bType }), want);
    for (const buffer of [a, b, out, raw]) buffer.free();
  });

  test("matmulIntegerToFloat follows its documented formula, per tensor and per column, with and without bias", async () => {
    const qs = await instance();
    const r = rng(21);
    for (const [m, k, n] of [[1, 64, 32], [3, 17, 5], [2, 33, 1]]) {
      const c = randomMatmul(r, m, k, n);
      const acc = onnx.matmulInteger(c.a, c.b, m, k, n, c.aZp, c.bZp);
      const aScale = 0.02 + r.float();
      const perColumn = Float32Array.from({ length: n }, () => 1e-3 + r.float());
      const bias = Float32Array.from({ length: n }, () => r.float() * 4 - 2);
      for (const bScale of [0.125, perColumn]) {
        for (const withBias of [false, true]) {
          const got = qs.matmulIntegerToFloat(c.a, c.b, { ...c.options, aScale, bScale, ...(withBias ? { bias } : {}) });
          const want = new Float32Array(m * n);
          for (let i = 0; i < m * n; i++) {
            const j = i % n;
            const s = f(aScale * (typeof bScale === "number" ? bScale : bScale[j]));
            want[i] = withBias ? f(f(f(acc[i]) * s) + bias[j]) : f(f(acc[i]) * s);
          }
          sameBits(got, want, `[${m}, ${k}, ${n}] ${typeof bScale} bias=${withBias}`);
        }
      }
    }
  });

  test("matmulIntegerRequantize follows the gemmlowp / TFLite fixed-point convention", async () => {
    const qs = await instance();
    const r = rng(34);
    for (const [m, k, n] of [[1, 64, 32], [4, 31, 7]]) {
      const c = randomMatmul(r, m, k, n);
      const acc = onnx.matmulInteger(c.a, c.b, m, k, n, c.aZp, c.bZp);
      for (const outType of ["int8", "uint8"]) {
        const [lo, hi] = RANGE[outType];
        const outZeroPoint = r.int(lo, hi);
        const params = Array.from({ length: n }, () => env.quantizeMultiplier(r.float() * 0.01 + 1e-5));
        const perColumn = r.u32() % 2 === 1;
        const multiplier = perColumn ? params.map((p) => p.multiplier) : params[0].multiplier;
        const shift = perColumn ? params.map((p) => p.shift) : params[0].shift;
        const got = qs.matmulIntegerRequantize(c.a, c.b, { ...c.options, multiplier, shift, outZeroPoint, outType });
        const want = ARRAY[outType].from(acc, (v, i) => {
          const p = params[perColumn ? i % n : 0];
          return onnx.requantize(v, p.multiplier, p.shift, outZeroPoint, lo, hi);
        });
        sameBits(got, want, `${outType} per column ${perColumn}`);
      }
    }
  });

  test("quantizeMultiplier represents the real multiplier as Q31 and a shift", async () => {
    for (const real of [1, 0.5, 0.75, 1e-3, 3.3e-5, 2.5, 0.999999999, 1e-12]) {
      const { multiplier, shift } = env.quantizeMultiplier(real);
      if (real < 2 ** -32) {
        equal(multiplier, 0, `${real}`);
        continue;
      }
      ok(multiplier >= 2 ** 30 && multiplier < 2 ** 31, `multiplier of ${real}: ${multiplier}`);
      ok(Math.abs(multiplier * 2 ** (shift - 31) - real) <= real * 2 ** -30, `${real}: ${multiplier} * 2^(${shift} - 31)`);
    }
    equal(env.quantizeMultiplier(0).multiplier, 0);
  });

  test("resident buffers: views, growth, free, foreign and freed handles", async () => {
    const qs = await instance();
    const other = await env.load();
    const data = Float32Array.of(1.5, NaN, -0, 3);
    const buffer = qs.upload(data);
    equal(buffer.byteLength, 16);
    equal(buffer.length, 4);
    equal(buffer.type, "Float32Array");
    sameBits(buffer.view(), data);
    equal(buffer.view(Uint8Array).length, 16);
    const odd = qs.upload(Float32Array.of(1, 2, 3));
    await rejects(() => odd.view(Float64Array), "INVALID_ARGUMENT", /12 bytes cannot be viewed as Float64Array/);
    equal(odd.view(Uint16Array).length, 6);
    odd.free();
    const zeros = qs.alloc(1000);
    ok(zeros.view().every((v) => v === 0), "alloc() gives zeroed memory");
    // Growing memory detaches old views: they read as empty, never as stale memory.
    const before = buffer.view();
    const big = qs.alloc(qs.memoryBytes + 1_000_000);
    equal(before.length, 0);
    sameBits(buffer.view(), data);
    big.free();
    zeros.free();
    const i8 = qs.upload(Int8Array.of(1, 2, 3));
    await rejects(() => other.dotI8(i8, Int8Array.of(1, 1, 1)), "INVALID_HANDLE", /another qsimd instance/);
    equal(qs.dotI8(i8, Int8Array.of(1, 1, 1)), 6);
    i8.free();
    ok(i8.freed);
    await rejects(() => i8.view(), "INVALID_HANDLE", /was freed/);
    await rejects(() => i8.free(), "INVALID_HANDLE", /was freed/);
    await rejects(() => qs.dotI8(i8, Int8Array.of(1, 1, 1)), "INVALID_HANDLE", /a was freed/);
    await rejects(() => qs.alloc(-1), "INVALID_ARGUMENT", /byte length/);
    await rejects(() => qs.upload([1, 2]), "INVALID_ARGUMENT", /typed array/);
    buffer.free();
  });

  test("memory stays flat over a million calls with resident operands", async () => {
    const qs = await env.load();
    const a = qs.upload(Int8Array.from({ length: 64 }, (_, i) => i - 32));
    const b = qs.upload(Int8Array.from({ length: 64 * 4 }, (_, i) => (i * 7) % 255 - 127));
    const out = new Int32Array(4);
    const options = { m: 1, k: 64, n: 4, out };
    qs.matmulInteger(a, b, options);
    const first = out.slice();
    const bytes = qs.memoryBytes;
    for (let i = 0; i < 500_000; i++) qs.matmulInteger(a, b, options);
    for (let i = 0; i < 500_000; i++) qs.dotI8(a, a);
    equal(qs.memoryBytes, bytes);
    sameBits(out, first);
  });

  test("every build gives identical bytes for the integer products", async () => {
    const { features } = await env.load();
    const variants = ["scalar", ...(features.simd ? ["simd"] : []), ...(features.relaxedSimd ? ["relaxed"] : [])];
    const instances = await Promise.all(variants.map((variant) => env.load({ variant })));
    const r = rng(99);
    for (let round = 0; round < 25; round++) {
      const c = randomMatmul(r, r.int(1, 9), r.int(1, 150), r.int(1, 70));
      const n = c.options.n;
      const extra = { aScale: 0.37, bScale: Float32Array.from({ length: n }, (_, j) => 0.01 * (j + 1)), bias: Float32Array.from({ length: n }, (_, j) => j - 3) };
      const results = instances.map((qs) => [
        qs.matmulInteger(c.a, c.b, c.options),
        qs.matmulIntegerToFloat(c.a, c.b, { ...c.options, ...extra }),
        qs.matmulIntegerRequantize(c.a, c.b, { ...c.options, multiplier: 1518500250, shift: -9, outZeroPoint: 3 }),
      ]);
      for (let i = 1; i < instances.length; i++) {
        results[i].forEach((got, kind) => sameBits(got, results[0][kind], `${instances[i].variant} vs scalar, output ${kind}, [${c.options.m}, ${c.options.k}, ${n}]`));
      }
    }
  });

  test("bad product input throws precise QsimdErrors and leaves the instance usable", async () => {
    const qs = await instance();
    const a = new Int8Array(6);
    const b = new Int8Array(12);
    await rejects(() => qs.matmulInteger(a, b, { m: 2, k: 4, n: 4 }), "LENGTH_MISMATCH", /a holds 6 bytes, m \* k = 8/);
    await rejects(() => qs.matmulInteger(a, b, { m: 2, k: 3, n: 5 }), "LENGTH_MISMATCH", /b holds 12 bytes, k \* n = 15/);
    await rejects(() => qs.matmulInteger(a, b, { m: 2, k: 3 }), "INVALID_ARGUMENT", /n must be an integer/);
    await rejects(() => qs.matmulInteger(a, b, { m: 2, k: 3, n: 4, aType: "uint8" }), "INVALID_ARGUMENT", /a is a Int8Array but aType is uint8/);
    await rejects(() => qs.matmulInteger(new Float32Array(6), b, { m: 2, k: 3, n: 4 }), "INVALID_ARGUMENT", /a must be an Int8Array, a Uint8Array or a resident buffer/);
    await rejects(() => qs.matmulInteger(a, b, { m: 2, k: 3, n: 4, aZeroPoint: 200 }), "INVALID_ARGUMENT", /aZeroPoint 200 is not an integer in \[-128, 127\]/);
    await rejects(() => qs.matmulInteger(a, b, { m: 2, k: 3, n: 4, bZeroPoint: [1, 2] }), "LENGTH_MISMATCH", /bZeroPoint has 2 values; give 1, or 4/);
    await rejects(() => qs.matmulInteger(a, b, { m: 2, k: 3, n: 4, out: new Int32Array(7) }), "LENGTH_MISMATCH", /out has 7 elements, the result has 8/);
    await rejects(() => qs.matmulInteger(a, b, { m: 2, k: 3, n: 4, out: qs.alloc(4) }), "LENGTH_MISMATCH", /out holds 4 bytes, the result needs 32/);
    await rejects(() => qs.matmulIntegerToFloat(a, b, { m: 2, k: 3, n: 4, aScale: NaN, bScale: 1 }), "INVALID_ARGUMENT", /aScale must be a finite number/);
    await rejects(() => qs.matmulIntegerToFloat(a, b, { m: 2, k: 3, n: 4, aScale: 1, bScale: [1, 2] }), "LENGTH_MISMATCH", /bScale has 2 values/);
    await rejects(() => qs.matmulIntegerToFloat(a, b, { m: 2, k: 3, n: 4, aScale: 1, bScale: 1, bias: [1] }), "LENGTH_MISMATCH", /bias needs 4 values/);
    await rejects(() => qs.matmulIntegerRequantize(a, b, { m: 2, k: 3, n: 4, multiplier: -1, shift: 0 }), "INVALID_ARGUMENT", /multiplier -1/);
    await rejects(() => qs.matmulIntegerRequantize(a, b, { m: 2, k: 3, n: 4, multiplier: 1 << 30, shift: 40 }), "INVALID_ARGUMENT", /shift 40/);
    await rejects(() => qs.matmulIntegerRequantize(a, b, { m: 2, k: 3, n: 4, multiplier: 1 << 30, shift: 0, outType: "int16" }), "INVALID_ARGUMENT", /outType/);
    await rejects(() => env.quantizeMultiplier(-1), "INVALID_ARGUMENT", /finite and >= 0/);
    sameBits(qs.matmulInteger(Int8Array.of(1, 2), Int8Array.of(3, 4), { m: 1, k: 2, n: 1 }), Int32Array.of(11));
  });
}
