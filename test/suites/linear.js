// Linear quantization against the ONNX oracle: random shapes, axes, block sizes and every type,
// with adversarial values; byte for byte.
import { equal, ok, rejects, sameBits } from "../lib/assert.js";
import * as onnx from "../lib/onnx.js";
import { LINEAR_TYPES as TYPES, randomLinearCase as randomCase } from "../lib/linear-cases.js";
import { rng } from "../lib/random.js";

const ARRAYS = { int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array };

export default function linear(test, env) {
  let q;
  const instance = async () => (q ??= await env.load());

  for (const type of TYPES) {
    test(`quantizeLinear / dequantizeLinear ${type} match the ONNX oracle on random layouts`, async () => {
      const qs = await instance();
      const r = rng(101 + TYPES.indexOf(type));
      for (let round = 0; round < 40; round++) {
        const c = randomCase(r, type);
        const codes = onnx.quantizeLinear(c.x, type, c.scales, c.zeroPoints, c.index);
        const expected = type.endsWith("4") ? onnx.packNibbles(codes) : ARRAYS[type].from(codes);
        const got = qs.quantizeLinear(c.x, c.options);
        sameBits(got, expected, `quantize ${c.what}`);
        const back = qs.dequantizeLinear(got, { ...c.options, type });
        sameBits(back, onnx.dequantizeLinear(codes, c.scales, c.zeroPoints, c.index), `dequantize ${c.what}`);
      }
    });
  }

  test("per-axis quantization is exact on the last axis and on axis 0 of a large matrix", async () => {
    const qs = await instance();
    const r = rng(9);
    const [rows, cols] = [300, 257];
    const x = Float32Array.from({ length: rows * cols }, () => (r.float() * 2 - 1) * 50);
    for (const axis of [0, 1, -1]) {
      const n = axis === 0 ? rows : cols;
      const scales = Float32Array.from({ length: n }, () => 0.05 + r.float());
      const zeroPoints = Array.from({ length: n }, () => r.int(-20, 20));
      const index = onnx.scaleIndex([rows, cols], axis, undefined, false);
      const got = qs.quantizeLinear(x, { type: "int8", shape: [rows, cols], axis, scale: scales, zeroPoint: zeroPoints });
      sameBits(got, Int8Array.from(onnx.quantizeLinear(x, "int8", scales, zeroPoints, index)), `axis ${axis}`);
    }
  });

  test("int4 packs the first element into the low nibble; odd counts leave the last high nibble 0", async () => {
    const qs = await instance();
    const got = qs.quantizeLinear(Float32Array.of(1, -1, 7, -8, 3), { type: "int4", scale: 1 });
    sameBits(got, Uint8Array.of(0xf1, 0x87, 0x03));
    sameBits(qs.dequantizeLinear(got, { type: "int4", scale: 1, shape: [5] }), Float32Array.of(1, -1, 7, -8, 3));
    sameBits(qs.dequantizeLinear(Uint8Array.of(0xf0), { type: "uint4", scale: 0.5, zeroPoint: 8 }), Float32Array.of(-4, 3.5));
  });

  test("quantizeLinear and dequantizeLinear work in place on resident buffers", async () => {
    const qs = await instance();
    const r = rng(12);
    for (const type of TYPES) {
      const c = randomCase(r, type);
      const want = qs.quantizeLinear(c.x, c.options);
      const x = qs.upload(c.x);
      const out = qs.alloc(want.byteLength);
      equal(qs.quantizeLinear(x, { ...c.options, out }), out);
      sameBits(out.view(Uint8Array), new Uint8Array(want.buffer, want.byteOffset, want.byteLength), `quantize ${c.what}`);
      const back = qs.alloc(c.x.length * 4);
      equal(qs.dequantizeLinear(out, { ...c.options, type, out: back }), back);
      sameBits(back.view(Float32Array), qs.dequantizeLinear(want, { ...c.options, type }), `dequantize ${c.what}`);
      await rejects(() => qs.dequantizeLinear(out, { ...c.options, type: undefined }), "INVALID_ARGUMENT", /name its type/);
      for (const b of [x, out, back]) b.free();
    }
    const odd = qs.alloc(13);
    await rejects(() => qs.quantizeLinear(odd, { type: "int8", scale: 1 }), "LENGTH_MISMATCH", /x holds 13 bytes/);
    odd.free();
  });

  test("quantizeLinear writes into a caller's array", async () => {
    const qs = await instance();
    const out = new Int8Array(3);
    equal(qs.quantizeLinear(Float32Array.of(1.5, 2.5, -300), { type: "int8", scale: 1, out }), out);
    sameBits(out, Int8Array.of(2, 2, -128));
  });

  test("dynamicQuantizeLinear matches the ONNX formulas, including all-zero and non-finite input", async () => {
    const qs = await instance();
    const r = rng(77);
    const cases = [
      new Float32Array(100),
      Float32Array.of(NaN, Infinity, -Infinity, 0),
      Float32Array.from({ length: 1000 }, () => r.float() * 10 - 3),
      Float32Array.from({ length: 999 }, () => r.float() * 5),
      Float32Array.from({ length: 333 }, () => -r.float() * 1e-30),
      Float32Array.of(-1, 1, 0.5, -0.5, 2.5),
    ];
    for (const x of cases) {
      const got = qs.dynamicQuantizeLinear(x);
      const want = onnx.dynamicQuantizeLinear(x);
      equal(got.scale, want.scale, "scale");
      equal(got.zeroPoint, want.zeroPoint, "zero point");
      sameBits(got.data, want.data, "data");
    }
    const zero = qs.dynamicQuantizeLinear(new Float32Array(8));
    equal(zero.scale, 1);
    equal(zero.zeroPoint, 0);
  });

  test("quantParams gives parameters whose round trip stays within half a step, every granularity and type", async () => {
    const qs = await instance();
    const r = rng(31);
    for (const type of TYPES) {
      for (const symmetric of [false, true]) {
        for (const layout of [{}, { axis: 1 }, { axis: 0, blockSize: 5 }, { axis: -1, blockSize: 4 }]) {
          const shape = [12, 10];
          const x = Float32Array.from({ length: 120 }, () => (r.float() * 2 - 0.5) * 40);
          const params = qs.quantParams(x, { type, symmetric, shape, ...layout });
          const options = { type, shape, ...layout, ...params };
          const back = qs.dequantizeLinear(qs.quantizeLinear(x, options), options);
          const index = onnx.scaleIndex(shape, layout.axis ?? 1, layout.blockSize, !("axis" in layout));
          for (let i = 0; i < x.length; i++) {
            const step = params.scale[index[i]];
            // Half a step, plus float32 rounding of the value itself (symmetric full ranges saturate at exactly half a step).
            ok(Math.abs(back[i] - x[i]) <= step * 0.5 + Math.abs(x[i]) * 2 ** -22, `${type} symmetric=${symmetric} ${JSON.stringify(layout)}: ${x[i]} -> ${back[i]}, step ${step}`);
          }
          if (symmetric && type.startsWith("int")) ok(params.zeroPoint.every((z) => z === 0), "signed symmetric has zero point 0");
        }
      }
    }
  });

  test("quantParams follows its documented formulas", async () => {
    const qs = await instance();
    const f = Math.fround;
    const x = Float32Array.of(-1.5, 0.25, 3.75, 2);
    const p = qs.quantParams(x, { type: "uint8" });
    equal(p.scale[0], f(f(3.75 + 1.5) / 255));
    equal(p.zeroPoint[0], onnx.roundHalfEven(f(0 - f(-1.5 / p.scale[0]))));
    const s = qs.quantParams(x, { type: "int8", symmetric: true, narrowRange: true });
    equal(s.scale[0], f(f(7.5) / 254));
    equal(s.zeroPoint[0], 0);
    const u = qs.quantParams(x, { type: "uint8", symmetric: true });
    equal(u.zeroPoint[0], 128);
    const wide = qs.quantParams(Float32Array.of(-3e38, 3e38), { type: "int8" });
    equal(wide.scale[0], f(f(3e38 / 255) - f(-3e38 / 255)), "a range wider than float32 still gets a finite scale");
    const z = qs.quantParams(new Float32Array(4), { type: "int8" });
    equal(z.scale[0], 1);
    equal(z.zeroPoint[0], 0);
  });

  test("bad linear-quantization input throws precise QsimdErrors and leaves the instance usable", async () => {
    const qs = await instance();
    const x = new Float32Array(12);
    await rejects(() => qs.quantizeLinear(x, { type: "int8", scale: 1, shape: [5, 2] }), "LENGTH_MISMATCH", /shape \[5, 2\] holds 10 elements, the data has 12/);
    await rejects(() => qs.quantizeLinear(x, { type: "int8", scale: [1, 2], shape: [3, 4], axis: 2 }), "INVALID_ARGUMENT", /axis 2 is out of range for a tensor of rank 2/);
    await rejects(() => qs.quantizeLinear(x, { type: "int8", scale: [1, 2, 3], shape: [3, 4], axis: 1 }), "LENGTH_MISMATCH", /3 scales given, this layout needs 4/);
    await rejects(() => qs.quantizeLinear(x, { type: "int8", scale: [1], blockSize: 0 }), "INVALID_ARGUMENT", /blockSize must be an integer > 0/);
    await rejects(() => qs.quantizeLinear(x, { type: "int8", scale: 0 }), "INVALID_ARGUMENT", /scale must be finite and > 0/);
    await rejects(() => qs.quantizeLinear(x, { type: "int8", scale: [1, NaN], shape: [2, 6], axis: 0 }), "INVALID_ARGUMENT", /scale\[1\] must be finite/);
    await rejects(() => qs.quantizeLinear(x, { type: "int8", scale: 1e-50 }), "INVALID_ARGUMENT", /float32/);
    await rejects(() => qs.quantizeLinear(x, { type: "int8", scale: 1, zeroPoint: 128 }), "INVALID_ARGUMENT", /zeroPoint 128 is not an integer in int8's range \[-128, 127\]/);
    await rejects(() => qs.quantizeLinear(x, { type: "uint4", scale: 1, zeroPoint: 1.5 }), "INVALID_ARGUMENT", /zeroPoint 1.5/);
    await rejects(() => qs.quantizeLinear(x, { type: "int9", scale: 1 }), "INVALID_ARGUMENT", /type must be one of/);
    await rejects(() => qs.quantizeLinear(x, { type: "int8", scale: 1, out: new Int8Array(11) }), "LENGTH_MISMATCH", /out has 11 elements, the result has 12/);
    await rejects(() => qs.quantizeLinear(x, { type: "int8", scale: 1, out: new Uint8Array(12) }), "INVALID_ARGUMENT", /out must be an Int8Array/);
    await rejects(() => qs.quantizeLinear(new Float64Array(2), { type: "int8", scale: 1 }), "INVALID_ARGUMENT", /x must be a Float32Array/);
    await rejects(() => qs.quantizeLinear(x), "INVALID_ARGUMENT", /needs an options object/);
    await rejects(() => qs.dequantizeLinear(new Int8Array(4), { type: "uint8", scale: 1 }), "INVALID_ARGUMENT", /q \(uint8\) must be a Uint8Array/);
    await rejects(() => qs.dequantizeLinear(new Uint8Array(2), { type: "int4", scale: 1, shape: [5] }), "LENGTH_MISMATCH", /5 int4 values take 3 bytes, q has 2/);
    await rejects(() => qs.dequantizeLinear(new Float32Array(2), { scale: 1 }), "INVALID_ARGUMENT", /name type/);
    sameBits(qs.quantizeLinear(Float32Array.of(1, 2), { type: "int8", scale: 1 }), Int8Array.of(1, 2));
  });
}
