import { expectTypedArray } from "../check.js";
import type { Context } from "../context.js";
import { QsimdError } from "../errors.js";
import { type Operands, withOperands } from "../operands.js";
import type { ResidentBuffer } from "../resident.js";
import { residentApi } from "../resident.js";
import { type GgufType, ggufType } from "./types.js";

// Weight types with a GEMV kernel so far, and their activation format.
const GEMV_TYPES = new Set(["Q4_0", "Q8_0"]);

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

function gemvType(type: string | number): GgufType {
  const t = ggufType(type);
  if (!GEMV_TYPES.has(t.name)) throw new QsimdError("UNSUPPORTED_OPERATION", `dot products of ${t.name} weights are not implemented in qsimd yet`);
  return t;
}

export function tensorApi(ctx: Context) {
  const { e, memory } = ctx;
  const { alloc } = residentApi(ctx);
  const Q8_0 = ggufType("Q8_0");
  // Packed form (see assembly/gguf/gemv.ts): codes per block, and one float32 scale per block.
  const codeBytes = (t: GgufType) => t.blockBytes - 2;

  /** Packs `rows` raw rows of `blocks` blocks at src into temporary codes and scales. */
  function packTemp(ops: Operands, t: GgufType, src: number, rows: number, blocks: number): [number, number] {
    const codes = ops.alloc(rows * blocks * codeBytes(t));
    const scales = ops.alloc(rows * blocks * 4);
    e.ggufPack(t.id, src, codes, scales, rows, blocks);
    return [codes, scales];
  }

  return {
    /**
     * A row of `type` blocks times an activation row of the type's activation format (Q8_0 for Q4_0
     * and Q8_0), ggml's vec_dot: the integer block sums are ggml's, the float total follows qsimd's
     * canonical order (within 1e-5 of ggml's relative to sum |w a|, identical in every build).
     */
    vecDot(type: string | number, rowBytes: Uint8Array, activationBytes: Uint8Array): number {
      const t = gemvType(type);
      expectTypedArray(rowBytes, "Uint8Array", "rowBytes");
      expectTypedArray(activationBytes, "Uint8Array", "activationBytes");
      if (rowBytes.length % t.blockBytes !== 0) throw new QsimdError("LENGTH_MISMATCH", `rowBytes holds ${rowBytes.length} bytes, not whole ${t.name} blocks of ${t.blockBytes}`);
      const blocks = rowBytes.length / t.blockBytes;
      if (activationBytes.length !== blocks * Q8_0.blockBytes) {
        throw new QsimdError("LENGTH_MISMATCH", `${blocks} ${t.name} blocks take an activation of ${blocks * Q8_0.blockBytes} Q8_0 bytes, got ${activationBytes.length}`);
      }
      return withOperands(ctx, (ops) => {
        const [wq, ws] = packTemp(ops, t, ops.copy(rowBytes), 1, blocks);
        const [aq, as] = packTemp(ops, Q8_0, ops.copy(activationBytes), 1, blocks);
        const y = ops.alloc(4);
        e.ggufGemv(t.id, wq, ws, aq, as, y, 1, blocks);
        return memory.of(Float32Array)[y / 4];
      });
    },

    /** A resident quantized matrix of `rows` x `cols` (GGUF's ne[1] x ne[0]) from its bytes. */
    tensor(type: string | number, bytes: Uint8Array, shape: [number, number]): GgufTensor {
      const t = gemvType(type);
      expectTypedArray(bytes, "Uint8Array", "bytes");
      const [rows, cols] = Array.isArray(shape) && shape.length === 2 ? shape : [NaN, NaN];
      if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 0 || cols < 0) {
        throw new QsimdError("INVALID_ARGUMENT", `shape must be [rows, cols] of integers >= 0, got ${JSON.stringify(shape)}`);
      }
      if (cols % t.blockSize !== 0) throw new QsimdError("LENGTH_MISMATCH", `${t.name} rows hold blocks of ${t.blockSize}; cols ${cols} is not a multiple of it`);
      const blocks = cols / t.blockSize;
      if (bytes.length !== rows * blocks * t.blockBytes) {
        throw new QsimdError("LENGTH_MISMATCH", `${rows} x ${cols} ${t.name} takes ${rows * blocks * t.blockBytes} bytes, got ${bytes.length}`);
      }
      // The tensor keeps only its packed form: codes and float32 scales, made once here.
      const codes: ResidentBuffer = alloc(rows * blocks * codeBytes(t));
      const scales: ResidentBuffer = alloc(rows * blocks * 4);
      withOperands(ctx, (ops) => {
        e.ggufPack(t.id, ops.copy(bytes), ops.input(codes, codes.byteLength, "codes", "its size"), ops.input(scales, scales.byteLength, "scales", "its size"), rows, blocks);
      });
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
          const wq = ops.input(codes, codes.byteLength, "the tensor", "its size");
          const ws = ops.input(scales, scales.byteLength, "the tensor", "its size");
          const px = ops.copy(x);
          const bad = e.firstNonFinite(px, x.length);
          if (bad >= 0) throw new QsimdError("INVALID_ARGUMENT", `x[${bad}] is ${x[bad]}: activations must be finite`);
          const pa = ops.alloc(m * blocks * Q8_0.blockBytes);
          e.ggufQuantize(Q8_0.id, px, pa, m * blocks); // the activation, quantized once for all rows
          const [aq, as] = packTemp(ops, Q8_0, pa, m, blocks);
          const py = ops.alloc(m * rows * 4);
          for (let i = 0; i < m; i++) e.ggufGemv(t.id, wq, ws, aq + i * blocks * 32, as + i * blocks * 4, py + i * rows * 4, rows, blocks);
          memory.copyOut(py, result, 0, m * rows);
        });
        return result;
      };
      return {
        type: t.name,
        shape: [rows, cols],
        matvec: (x, out) => matmul(x, 1, out),
        matmul,
        free: () => {
          codes.free();
          scales.free();
        },
      };
    },
  };
}
