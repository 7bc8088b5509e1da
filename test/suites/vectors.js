// fp16/bf16 conversions against ggml's reference vectors in ../shared/vectors.
import { sameBits } from "../lib/assert.js";
import { needShared, runnableVariants, skip } from "../lib/env.js";

export default function vectors(test, env) {
  let loaded;
  const data = async () => {
    if (!loaded) {
      const manifest = JSON.parse(await needShared(env, "vectors/manifest.json", "text"));
      const bin = await needShared(env, "vectors/fp16_bf16.bin");
      const c = manifest.conversions;
      const blob = (ref, Type) => new Type(bin.buffer.slice(bin.byteOffset + ref.offset, bin.byteOffset + ref.offset + ref.bytes));
      loaded = {
        input: blob(c.f32_input_bits, Float32Array),
        f16: blob(c.fp16_bits.data, Uint16Array),
        f16Back: blob(c.fp16_back_to_f32_bits.data, Float32Array),
        bf16: blob(c.bf16_bits.data, Uint16Array),
        bf16Back: blob(c.bf16_back_to_f32_bits.data, Float32Array),
        allF16: blob(c.fp16_to_f32_all_65536.data, Float32Array),
      };
    }
    return loaded;
  };

  for (const variant of ["scalar", "simd", "relaxed"]) {
    test(`ggml conversion vectors, ${variant} build`, async () => {
      const { features } = await env.load();
      if (!runnableVariants(features).includes(variant)) skip(`${env.runtime} cannot run the ${variant} build`);
      const q = await env.load({ variant });
      const v = await data();
      sameBits(q.f32ToF16(v.input), v.f16, "f32 -> f16");
      sameBits(q.f16ToF32(v.f16), v.f16Back, "f16 -> f32");
      sameBits(q.f32ToBf16(v.input), v.bf16, "f32 -> bf16");
      sameBits(q.bf16ToF32(v.bf16), v.bf16Back, "bf16 -> f32");
      sameBits(q.f16ToF32(new Uint16Array(65536).map((_, i) => i)), v.allF16, "all f16 patterns");
    });
  }
}
