// GGUF block formats against ggml's reference vectors (../shared/vectors): quantized bytes and
// dequantized floats identical, in every build this runtime runs.
import { equal, ok, rejects, sameBits } from "../lib/assert.js";
import { needShared, runnableVariants } from "../lib/env.js";

/** The formats qsimd implements so far; each must match every reference case of its type. */
export const GGUF_FORMATS = ["q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q8_1"];

export default function gguf(test, env) {
  let vectors;
  const load = async () => {
    if (!vectors) {
      const manifest = JSON.parse(await needShared(env, "vectors/manifest.json", "text"));
      const files = {};
      for (const name of ["inputs.bin", ...GGUF_FORMATS.map((f) => `${f}.bin`)]) files[name] = await needShared(env, `vectors/${name}`);
      const blob = (ref, Type) => {
        const b = files[ref.file];
        return new Type(b.buffer.slice(b.byteOffset + ref.offset, b.byteOffset + ref.offset + ref.bytes));
      };
      vectors = { manifest, blob };
    }
    return vectors;
  };

  for (const format of GGUF_FORMATS) {
    test(`${format.toUpperCase()}: quantize and dequantize match ggml's reference vectors in every build`, async () => {
      const { manifest, blob } = await load();
      const cases = manifest.cases.filter((c) => c.type === format && c.status === "ok" && c.quantizer.startsWith("quantize_row_"));
      ok(cases.length > 10, `${cases.length} reference cases`);
      const { features } = await env.load();
      for (const variant of runnableVariants(features)) {
        const q = await env.load({ variant });
        for (const c of cases) {
          const x = blob(c.input, Float32Array);
          const bytes = q.quantize(format, x, { rowLength: c.n });
          sameBits(bytes, blob(c.quantized, Uint8Array), `${c.id}, ${variant} build, quantized`);
          if (c.dequantized) { // ggml has no dequantizer for Q8_1
            sameBits(q.dequantize(format, blob(c.quantized, Uint8Array), c.n * c.nrows), blob(c.dequantized, Float32Array), `${c.id}, ${variant} build, dequantized`);
          }
        }
      }
    });
  }

  test("GGUF types by name or id; F32, F16 and BF16 round-trip through quantize/dequantize", async () => {
    const q = await env.load();
    const x = Float32Array.of(1, -2.5, 65504, 1e-8);
    sameBits(q.dequantize("F32", q.quantize("F32", x), 4), x);
    sameBits(new Uint16Array(q.quantize("f16", x).buffer), q.f32ToF16(x));
    sameBits(new Uint16Array(q.quantize(30, x).buffer), q.f32ToBf16(x));
    // 127 / 128 has d = 1 / 128, exact in fp16, so it survives the round trip exactly.
    sameBits(q.dequantize(8, q.quantize("Q8_0", new Float32Array(32).fill(127 / 128)), 32), new Float32Array(32).fill(127 / 128));
  });

  test("bad GGUF input throws precise QsimdErrors", async () => {
    const q = await env.load();
    await rejects(() => q.quantize("Q4_7", new Float32Array(32)), "UNKNOWN_TYPE", /"Q4_7" is not a GGUF tensor type/);
    await rejects(() => q.quantize(99, new Float32Array(32)), "UNKNOWN_TYPE");
    await rejects(() => q.quantize("Q8_0", new Float32Array(33)), "LENGTH_MISMATCH", /blocks of 32 values; the length of x 33/);
    await rejects(() => q.quantize("Q8_0", new Float32Array(96), { rowLength: 64 }), "LENGTH_MISMATCH", /not a whole number of rows of 64/);
    await rejects(() => q.quantize("Q8_0", Float32Array.of(...new Array(31).fill(0), NaN)), "INVALID_ARGUMENT", /x\[31\] is NaN/);
    await rejects(() => q.quantize("Q4_0", new Float32Array(32), { imatrix: new Float32Array(32) }), "UNSUPPORTED_OPERATION", /importance-weighted/);
    await rejects(() => q.dequantize("Q8_0", new Uint8Array(33), 32), "LENGTH_MISMATCH", /32 Q8_0 values take 34 bytes, got 33/);
    await rejects(() => q.dequantize("Q8_0", new Int8Array(34), 32), "INVALID_ARGUMENT", /bytes must be a Uint8Array/);
    // Subnormal inputs make 1/d overflow in ggml's formula; the result follows C's cast, never a trap.
    const tiny = new Float32Array(32).fill(1e-40);
    equal(q.quantize("Q8_0", tiny).length, 34);
    equal(q.quantize("Q4_0", tiny).length, 18);
  });
}
