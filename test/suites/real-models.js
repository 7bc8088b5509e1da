// Real model files (../shared/data): the Q8_0 tensors llama.cpp wrote for stories260K, against the
// F32 model they came from.
import { ok, sameBits } from "../lib/assert.js";
import { needShared } from "../lib/env.js";

export default function realModels(test, env) {
  test("stories260K: quantizing the F32 tensors to Q8_0 gives llama.cpp's bytes; dequantizing them stays within half a step", async () => {
    const q = await env.load();
    const f32File = await needShared(env, "data/stories260K.gguf");
    const q8File = await needShared(env, "data/stories260K-q8_0.v2.gguf");
    const f32 = new Map((await env.api.readGguf(f32File)).tensors.map((t) => [t.name, t]));
    const q8 = await env.api.readGguf(q8File);
    const quantized = q8.tensors.filter((t) => t.typeId === 8);
    ok(quantized.length === 37, `${quantized.length} Q8_0 tensors`);
    for (const t of quantized) {
      const source = f32.get(t.name);
      ok(source && source.typeId === 0, `${t.name} in the F32 model`);
      const count = t.shape.reduce((p, d) => p * d, 1);
      // The 2023 quantizer ran over each tensor as one flat run, so blocks may cross rows (ffn_down: rows of 172).
      const x = new Float32Array(f32File.buffer.slice(f32File.byteOffset + source.offset, f32File.byteOffset + source.offset + count * 4));
      const bytes = q8File.subarray(t.offset, t.offset + (count / 32) * 34);
      sameBits(q.quantize("Q8_0", x), bytes, t.name);
      const back = q.dequantize("Q8_0", bytes, count);
      for (let b = 0; b < count / 32; b++) {
        const d = q.dequantize("F16", bytes.subarray(b * 34, b * 34 + 2), 1)[0];
        for (let j = b * 32; j < b * 32 + 32; j++) {
          ok(Math.abs(back[j] - x[j]) <= d / 2 + Math.abs(x[j]) * 2 ** -10, `${t.name}[${j}]: ${x[j]} -> ${back[j]}, step ${d}`);
        }
      }
    }
  });
}
