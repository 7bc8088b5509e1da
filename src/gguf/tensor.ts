import { expectTypedArray } from "../check.js";
import type { Context } from "../context.js";
import { QsimdError } from "../errors.js";
import { withOperands } from "../operands.js";
import type { ResidentBuffer } from "../resident.js";
import { residentApi } from "../resident.js";
import { type GgufType, ggufType } from "./types.js";

/** A quantized matrix resident in wasm memory: rows x cols, GGUF row-major blocks. */
export interface GgufTensor {
  readonly type: string;
  readonly shape: readonly [number, number];
  /** y = W x, with x quantized to the type's activation format inside, as ggml does. */
  matvec(x: Float32Array, out?: Float32Array): Float32Array;
  /** Y = X W^T for m rows of X (m * cols values), m * rows results. */
  matmul(x: Float32Array, m: number, out?: Float32Array): Float32Array;
  free(): void;
}

export function tensorApi(ctx: Context) {
  const { e, memory } = ctx;
  const { alloc } = residentApi(ctx);

  // The relaxed build has two GEMV kernels with the same results (each packs a tensor its own way):
  // its relaxed dot product ran 1.5-1.8x faster than SIMD128 in JavaScriptCore (Bun) here, and 0.8x
  // as fast in V8. Before the first tensor is packed, both are timed once on a small Q4_0 matrix and
  // the faster one serves every tensor; vecDot always takes the relaxed one, so that the tests see both.
  let tensorsRelaxed: boolean | undefined;
  function chooseKernel(): boolean {
    if (tensorsRelaxed !== undefined) return tensorsRelaxed;
    tensorsRelaxed = false;
    if (!e.ggufUseRelaxed(false) || typeof performance === "undefined") return false;
    const Q4_0 = 2, rows = 256, n = 4096;
    withOperands(ctx, (ops) => {
      const raw = ops.alloc((rows * n / 32) * 18), act = ops.alloc((n / 32) * 34);
      const bytes = memory.of(Uint8Array);
      let seed = 12345;
      for (let i = 0; i < (rows * n / 32) * 18; i++) bytes[raw + i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      for (let i = 0; i < (n / 32) * 34; i++) bytes[act + i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      const time = (relaxed: boolean): number => {
        e.ggufUseRelaxed(relaxed);
        const w = ops.alloc(e.ggufPackedBytes(Q4_0, rows, n)), a = ops.alloc(e.ggufActivationBytes(Q4_0, n)), y = ops.alloc(rows * 4);
        e.ggufPack(Q4_0, raw, w, rows, n);
        e.ggufPackActivation(Q4_0, act, a, n);
        let best = Infinity;
        for (let rep = 0; rep < 12; rep++) {
          const t0 = performance.now();
          for (let k = 0; k < 4; k++) e.ggufGemv(Q4_0, w, rows, n, a, y, 0, rows);
          best = Math.min(best, performance.now() - t0);
        }
        return best;
      };
      const simd = time(false), relaxed = time(true);
      // A clock that does not move (workerd during a request) gives a tie: the SIMD128 kernel, V8's better one.
      tensorsRelaxed = relaxed < 0.9 * simd;
    });
    return tensorsRelaxed;
  }

  /** The weight type and its activation type, where qsimd has their dot product. */
  function dotTypes(type: string | number): [GgufType, GgufType] {
    const t = ggufType(type);
    const act = e.ggufActivationType(t.id);
    if (act < 0 || !t.activation || ggufType(t.activation).id !== act) {
      throw new QsimdError("UNSUPPORTED_OPERATION", `dot products of ${t.name} weights are not implemented in qsimd yet`);
    }
    return [t, ggufType(act)];
  }

  return {
    /**
     * A row of `type` blocks times an activation row in the type's activation format (Q8_0, Q8_1 or
     * Q8_K bytes), ggml's vec_dot: the integer block sums are ggml's, the float total follows qsimd's
     * canonical order (within 1e-5 of ggml's relative to sum |w a|, identical in every build).
     */
    vecDot(type: string | number, rowBytes: Uint8Array, activationBytes: Uint8Array): number {
      const [t, act] = dotTypes(type);
      expectTypedArray(rowBytes, "Uint8Array", "rowBytes");
      expectTypedArray(activationBytes, "Uint8Array", "activationBytes");
      if (rowBytes.length % t.blockBytes !== 0) throw new QsimdError("LENGTH_MISMATCH", `rowBytes holds ${rowBytes.length} bytes, not whole ${t.name} blocks of ${t.blockBytes}`);
      const n = (rowBytes.length / t.blockBytes) * t.blockSize;
      const actBytes = (n / act.blockSize) * act.blockBytes;
      if (activationBytes.length !== actBytes) {
        throw new QsimdError("LENGTH_MISMATCH", `${n} ${t.name} values take an activation of ${actBytes} ${act.name} bytes, got ${activationBytes.length}`);
      }
      // The row four times over: the kernel that serves tensors of four rows or more (see quadRows
      // in assembly/gguf/gemv.ts), with the activations it must take (any Q8 codes, -128 too).
      return withOperands(ctx, (ops) => {
        e.ggufUseRelaxed(true);
        const raw = ops.alloc(4 * rowBytes.length);
        for (let k = 0; k < 4; k++) memory.of(Uint8Array).set(rowBytes, raw + k * rowBytes.length);
        const w = ops.alloc(e.ggufPackedBytes(t.id, 4, n));
        e.ggufPack(t.id, raw, w, 4, n);
        const a = ops.alloc(e.ggufActivationBytes(t.id, n));
        e.ggufPackActivation(t.id, ops.copy(activationBytes), a, n);
        const y = ops.alloc(16);
        e.ggufGemv(t.id, w, 4, n, a, y, 0, 4);
        return memory.of(Float32Array)[y / 4];
      });
    },

    /** A resident quantized matrix of `rows` x `cols` (GGUF's ne[1] x ne[0]) from its bytes. */
    tensor(type: string | number, bytes: Uint8Array, shape: [number, number]): GgufTensor {
      const [t, act] = dotTypes(type);
      expectTypedArray(bytes, "Uint8Array", "bytes");
      const [rows, cols] = Array.isArray(shape) && shape.length === 2 ? shape : [NaN, NaN];
      if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 0 || cols < 0) {
        throw new QsimdError("INVALID_ARGUMENT", `shape must be [rows, cols] of integers >= 0, got ${JSON.stringify(shape)}`);
      }
      if (cols % t.blockSize !== 0) throw new QsimdError("LENGTH_MISMATCH", `${t.name} rows hold blocks of ${t.blockSize}; cols ${cols} is not a multiple of it`);
      const rowBytes = (cols / t.blockSize) * t.blockBytes;
      if (bytes.length !== rows * rowBytes) {
        throw new QsimdError("LENGTH_MISMATCH", `${rows} x ${cols} ${t.name} takes ${rows * rowBytes} bytes, got ${bytes.length}`);
      }
      const relaxed = chooseKernel();
      e.ggufUseRelaxed(relaxed);
      // The tensor keeps only its packed form (see assembly/gguf/gemv.ts), made once here.
      const packed: ResidentBuffer = alloc(e.ggufPackedBytes(t.id, rows, cols));
      withOperands(ctx, (ops) => e.ggufPack(t.id, ops.copy(bytes), ops.input(packed, packed.byteLength, "the tensor", "its size"), rows, cols));
      const actRowBytes = (cols / act.blockSize) * act.blockBytes;
      const matmul = (x: Float32Array, m: number, out?: Float32Array): Float32Array => {
        expectTypedArray(x, "Float32Array", "x");
        if (!Number.isSafeInteger(m) || m < 0 || x.length !== m * cols) {
          throw new QsimdError("LENGTH_MISMATCH", `x holds ${x.length} values; ${m} rows of ${cols} take ${m * cols}`);
        }
        const result = out ?? new Float32Array(m * rows);
        if (out !== undefined) {
          expectTypedArray(out, "Float32Array", "out");
          if (out.length !== m * rows) throw new QsimdError("LENGTH_MISMATCH", `out has ${out.length} elements, the result has ${m * rows}`);
        }
        withOperands(ctx, (ops) => {
          e.ggufUseRelaxed(relaxed);
          const w = ops.input(packed, packed.byteLength, "the tensor", "its size");
          const px = ops.copy(x);
          const bad = e.firstNonFinite(px, x.length);
          if (bad >= 0) throw new QsimdError("INVALID_ARGUMENT", `x[${bad}] is ${x[bad]}: activations must be finite`);
          const raw = ops.alloc(m * actRowBytes);
          e.ggufQuantize(act.id, px, raw, (m * cols) / act.blockSize); // ggml's reference activation quantizer
          const a = ops.alloc(e.ggufActivationBytes(t.id, cols));
          const a2 = ops.alloc(e.ggufActivationBytes(t.id, cols));
          const py = ops.alloc(m * rows * 4);
          // Activations two at a time, one pass over the weights for both; same bits as one at a time.
          let i = 0;
          for (; i + 1 < m; i += 2) {
            e.ggufPackActivation(t.id, raw + i * actRowBytes, a, cols);
            e.ggufPackActivation(t.id, raw + (i + 1) * actRowBytes, a2, cols);
            e.ggufGemm2(t.id, w, rows, cols, a, py + i * rows * 4, a2, py + (i + 1) * rows * 4, 0, rows);
          }
          if (i < m) {
            e.ggufPackActivation(t.id, raw + i * actRowBytes, a, cols);
            e.ggufGemv(t.id, w, rows, cols, a, py + i * rows * 4, 0, rows);
          }
          memory.copyOut(py, result, 0, m * rows);
        });
        return result;
      };
      return {
        type: t.name,
        shape: [rows, cols],
        matvec: (x, out) => matmul(x, 1, out),
        matmul,
        free: () => packed.free(),
      };
    },
  };
}
