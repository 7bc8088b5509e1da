// Each kernel against the plain-JavaScript oracle, in the build the runtime picks by default.
import { equal, rejects, sameBits } from "../lib/assert.js";
import * as oracle from "../lib/oracle.js";
import { nastyFloats, randomInt8, rng } from "../lib/random.js";

export default function kernels(test, env) {
  let q;
  const instance = async () => (q ??= await env.load());

  test("dotI8 equals the exact sum at every length around the vector width", async () => {
    const r = rng(7);
    const qs = await instance();
    for (const n of [0, 1, 2, 3, 4, 5, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 255, 1000, 4096, 4103]) {
      const a = randomInt8(r, n);
      const b = randomInt8(r, n);
      equal(qs.dotI8(a, b), oracle.dotI8(a, b), `n = ${n}`);
    }
  });

  test("dotI8 handles the extremes -128 * -128, -128 * 127 and 127 * 127", async () => {
    const qs = await instance();
    for (const [x, y] of [[-128, -128], [-128, 127], [127, 127], [127, -128]]) {
      for (const n of [1, 16, 37, 1024]) {
        equal(qs.dotI8(new Int8Array(n).fill(x), new Int8Array(n).fill(y)), n * x * y, `${x} * ${y}, n = ${n}`);
      }
    }
  });

  test("dotI8 stays exact past the int32 range and across internal chunks", async () => {
    const qs = await instance();
    const n = 300_000; // -128 * -128 * n = 4.9e9: beyond int32, spans several chunks
    equal(qs.dotI8(new Int8Array(n).fill(-128), new Int8Array(n).fill(-128)), n * 16384);
    const r = rng(11);
    const a = randomInt8(r, n);
    const b = randomInt8(r, n);
    equal(qs.dotI8(a, b), oracle.dotI8(a, b));
  });

  test("dotU8I8 equals the exact sum, past int32 too", async () => {
    const qs = await instance();
    const r = rng(17);
    for (const n of [0, 1, 7, 8, 31, 32, 33, 1000, 4103]) {
      const a = Uint8Array.from({ length: n }, () => r.u32());
      const b = randomInt8(r, n);
      equal(qs.dotU8I8(a, b), oracle.dotI8(a, b), `n = ${n}`);
    }
    const n = 300_000;
    equal(qs.dotU8I8(new Uint8Array(n).fill(255), new Int8Array(n).fill(-128)), -255 * 128 * n);
    await rejects(() => qs.dotU8I8(new Int8Array(2), new Int8Array(2)), "INVALID_ARGUMENT", /a must be a Uint8Array/);
  });

  test("dotI8 reads subarrays at their offsets", async () => {
    const qs = await instance();
    const r = rng(5);
    const a = randomInt8(r, 100);
    const b = randomInt8(r, 100);
    equal(qs.dotI8(a.subarray(3, 70), b.subarray(30, 97)), oracle.dotI8(a.subarray(3, 70), b.subarray(30, 97)));
  });

  test("f32ToF16 rounds like IEEE binary16 on ties, edges, subnormals, Inf and NaN", async () => {
    const qs = await instance();
    const x = nastyFloats(rng(1), 20_000);
    sameBits(qs.f32ToF16(x), oracle.mapBits(x, oracle.f16FromF32Bits, Uint16Array));
  });

  test("f16ToF32 decodes all 65536 half-precision patterns", async () => {
    const qs = await instance();
    const h = new Uint16Array(65536).map((_, i) => i);
    sameBits(qs.f16ToF32(h), oracle.mapBits(h, oracle.f32BitsFromF16, Float32Array));
  });

  test("every half value survives f16 -> f32 -> f16", async () => {
    const qs = await instance();
    const h = new Uint16Array(65536).map((_, i) => i);
    const back = qs.f32ToF16(qs.f16ToF32(h));
    for (let i = 0; i < 65536; i++) {
      const isNaN = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      equal(back[i], isNaN ? (i & 0x8000) | 0x7e00 : i, `pattern ${i.toString(16)}`);
    }
  });

  test("f32ToBf16 rounds to nearest even and keeps subnormals, Inf and NaN", async () => {
    const qs = await instance();
    const x = nastyFloats(rng(2), 20_000);
    sameBits(qs.f32ToBf16(x), oracle.mapBits(x, oracle.bf16FromF32Bits, Uint16Array));
  });

  test("bf16ToF32 is the exact upper half", async () => {
    const qs = await instance();
    const h = new Uint16Array(65536).map((_, i) => i);
    const out = new Uint32Array(qs.bf16ToF32(h).buffer);
    for (let i = 0; i < 65536; i++) equal(out[i], (i << 16) >>> 0, `pattern ${i.toString(16)}`);
  });

  test("conversions write into a caller's array and stream inputs larger than the scratch area", async () => {
    const qs = await instance();
    const x = nastyFloats(rng(3), 200_003);
    const out = new Uint16Array(x.length);
    equal(qs.f32ToBf16(x, out), out);
    sameBits(out, oracle.mapBits(x, oracle.bf16FromF32Bits, Uint16Array));
    const back = new Float32Array(x.length);
    equal(qs.bf16ToF32(out, back), back);
    sameBits(back, oracle.mapBits(out, (h) => (h << 16) >>> 0, Float32Array));
  });

  test("Float16Array/DataView.setFloat16, where the host has them, agree with f32ToF16 on non-NaN values", async () => {
    const qs = await instance();
    if (typeof DataView.prototype.setFloat16 !== "function") return; // a second opinion only where it exists
    const x = nastyFloats(rng(4), 5_000).filter((v) => !Number.isNaN(v));
    const view = new DataView(new ArrayBuffer(2));
    const ours = qs.f32ToF16(x);
    for (let i = 0; i < x.length; i++) {
      view.setFloat16(0, x[i], true);
      equal(ours[i], view.getUint16(0, true), `x = ${x[i]}`);
    }
  });

  test("bad arguments throw QsimdError and leave the instance usable", async () => {
    const qs = await instance();
    await rejects(() => qs.dotI8(new Int8Array(3), new Int8Array(4)), "LENGTH_MISMATCH", /3 and 4/);
    await rejects(() => qs.dotI8(new Uint8Array(3), new Int8Array(3)), "INVALID_ARGUMENT", /a must be an Int8Array, got Uint8Array/);
    await rejects(() => qs.dotI8([1, 2], new Int8Array(2)), "INVALID_ARGUMENT", /Array/);
    await rejects(() => qs.dotI8(new Int8Array(2)), "INVALID_ARGUMENT", /undefined/);
    await rejects(() => qs.f32ToF16(new Float64Array(2)), "INVALID_ARGUMENT", /Float32Array/);
    await rejects(() => qs.f32ToF16(new Float32Array(2), new Uint16Array(3)), "LENGTH_MISMATCH");
    await rejects(() => qs.f16ToF32(new Uint16Array(2), new Uint32Array(2)), "INVALID_ARGUMENT", /out must be a Float32Array/);
    await rejects(() => qs.bf16ToF32(new Int16Array(2)), "INVALID_ARGUMENT");
    equal(qs.dotI8(Int8Array.of(2, 3), Int8Array.of(4, 5)), 23);
    equal(qs.f32ToF16(Float32Array.of(1))[0], 0x3c00);
  });
}
