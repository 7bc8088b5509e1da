import { expectTypedArray } from "../check.js";
import type { Context } from "../context.js";
import { QsimdError } from "../errors.js";
import { type Operands, withOperands } from "../operands.js";
import { isResident, ResidentBuffer, residentApi } from "../resident.js";
import { type GgufType, ggufType } from "./types.js";

export interface GgufQuantizeOptions {
  /** Elements per row (default: all of x); a multiple of the type's block size. */
  rowLength?: number;
  /**
   * Importance weights, one per column (rowLength values, finite and >= 0), as llama-quantize takes
   * them from an importance matrix. Types whose ggml quantizer takes no weights ignore them.
   */
  imatrix?: Float32Array;
  /** Where the blocks go: a Uint8Array or a resident buffer of exactly their size. */
  out?: Uint8Array | ResidentBuffer;
}

/** What quantize returns: the resident `out` it was given, else a Uint8Array. */
export type QuantizeResult<O> = O extends { out: ResidentBuffer } ? ResidentBuffer : Uint8Array;

const NEEDS_IMATRIX = new Set(["IQ2_XXS", "IQ2_XS", "IQ1_S"]);

function blocksOf(type: GgufType, count: number, what: string): number {
  if (!Number.isSafeInteger(count) || count < 0) throw new QsimdError("INVALID_ARGUMENT", `${what} must be an integer >= 0, got ${count}`);
  if (count % type.blockSize !== 0) {
    throw new QsimdError("LENGTH_MISMATCH", `${type.name} stores blocks of ${type.blockSize} values; ${what} ${count} is not a multiple of it`);
  }
  return count / type.blockSize;
}

export function ggufApi(ctx: Context) {
  const { e, memory } = ctx;

  // Float types go through the conversion kernels; a block format counts when the wasm has the kernel
  // (asked with 0 blocks, which touches nothing) and its block size agrees with the table.
  const layoutAgrees = (type: GgufType) => e.ggufBlockBytes(type.id) === type.blockBytes && e.ggufBlockSize(type.id) === type.blockSize;
  // ggml quantizes these only with importance weights.
  const needsImatrix = (type: GgufType) => NEEDS_IMATRIX.has(type.name) && layoutAgrees(type) && e.ggufQuantizeWeighted(type.id, 0, 0, 0, 0, 0);
  const canQuantize = (type: GgufType) => type.blockSize === 1 || needsImatrix(type) || (layoutAgrees(type) && e.ggufQuantize(type.id, 0, 0, 0));
  // The grid i-quants' search tables, made the first time each is needed and kept.
  const workspaces = new Map<number, ResidentBuffer>();
  const { alloc } = residentApi(ctx);
  function useWorkspace(type: GgufType, ops: Operands): void {
    const bytes = e.ggufWorkspaceBytes(type.id);
    if (!bytes) return;
    let work = workspaces.get(bytes);
    if (!work) {
      work = alloc(bytes);
      memory.of(Uint8Array).fill(0, ResidentBuffer.address(work, ctx.heap, "workspace"), ResidentBuffer.address(work, ctx.heap, "workspace") + 4);
      workspaces.set(bytes, work);
    }
    e.ggufUseWorkspace(type.id, ops.input(work, bytes, "the search workspace", "its size"));
  }
  const canDequantize = (type: GgufType) => type.blockSize === 1 || (layoutAgrees(type) && e.ggufDequantize(type.id, 0, 0, 0));

  function unsupported(type: GgufType, what: string): QsimdError {
    return new QsimdError("UNSUPPORTED_OPERATION", `${what} of ${type.name} is not implemented in qsimd yet`);
  }

  return {
    /**
     * x as GGUF blocks of `type` (a name like "Q4_0" or a ggml_type id), byte-identical to ggml's
     * reference quantizer. NaN and infinities are refused (ggml's results for them are undefined).
     * `x` and `out` may be resident buffers, used in place.
     */
    quantize<O extends GgufQuantizeOptions>(type: string | number, x: Float32Array | ResidentBuffer, options: O = {} as O): QuantizeResult<O> {
      const t = ggufType(type);
      if (!isResident(x)) expectTypedArray(x, "Float32Array", "x");
      else if (x.byteLength % 4 !== 0) throw new QsimdError("LENGTH_MISMATCH", `x holds ${x.byteLength} bytes, not a whole number of floats`);
      const n = x.byteLength / 4;
      const blocks = blocksOf(t, n, "the length of x");
      const rowLength = options.rowLength ?? n;
      blocksOf(t, rowLength, "rowLength");
      if (rowLength === 0 ? n !== 0 : n % rowLength !== 0) {
        throw new QsimdError("LENGTH_MISMATCH", `x holds ${n} values, not a whole number of rows of ${rowLength}`);
      }
      const { imatrix } = options;
      if (imatrix !== undefined) {
        expectTypedArray(imatrix, "Float32Array", "imatrix");
        if (imatrix.length !== rowLength) throw new QsimdError("LENGTH_MISMATCH", `imatrix holds ${imatrix.length} weights, one per column takes ${rowLength}`);
        const bad = imatrix.findIndex((w) => !(w >= 0 && w < Infinity));
        if (bad >= 0) throw new QsimdError("INVALID_ARGUMENT", `imatrix[${bad}] is ${imatrix[bad]}: importance weights must be finite and >= 0`);
      }
      if (!canQuantize(t)) throw unsupported(t, "quantization");
      if (!imatrix && needsImatrix(t)) {
        throw new QsimdError("INVALID_ARGUMENT", `${t.name} needs importance weights (the imatrix option): ggml quantizes it only with an importance matrix`);
      }
      const bytes = blocks * t.blockBytes;
      return withOperands(ctx, (ops) => {
        const result = ops.output(options.out, "Uint8Array", bytes, bytes, () => new Uint8Array(bytes));
        const px = ops.input(x, n * 4, "x", "4 bytes per value");
        const bad = e.firstNonFinite(px, n);
        if (bad >= 0) throw new QsimdError("INVALID_ARGUMENT", `x[${bad}] is ${memory.of(Float32Array)[px / 4 + bad]}: GGUF quantizers take finite values only`);
        const po = result.ptr;
        if (t.name === "F32") memory.of(Uint8Array).copyWithin(po, px, px + bytes);
        else if (t.name === "F16") e.f32ToF16(px, po, n);
        else if (t.name === "BF16") e.f32ToBf16(px, po, n);
        else {
          useWorkspace(t, ops);
          if (!imatrix || !e.ggufQuantizeWeighted(t.id, px, po, rowLength ? n / rowLength : 0, rowLength, ops.copy(imatrix))) e.ggufQuantize(t.id, px, po, blocks);
          if (e.ggufQuantizeFailed()) {
            throw new QsimdError("INVALID_ARGUMENT", `x is too large for ${t.name}: its grid search finds no finite fit (ggml aborts on such rows, values near 1e30); scale the values down`);
          }
        }
        return result.finish() as QuantizeResult<O>;
      });
    },

    /**
     * `count` values from GGUF blocks of `type`, exactly as ggml's dequantize_row_* gives them.
     * `bytes` and `out` may be resident buffers, used in place.
     */
    dequantize(type: string | number, bytes: Uint8Array | ResidentBuffer, count: number, { out }: { out?: Float32Array | ResidentBuffer } = {}): Float32Array | ResidentBuffer {
      const t = ggufType(type);
      if (!isResident(bytes)) expectTypedArray(bytes, "Uint8Array", "bytes");
      const blocks = blocksOf(t, count, "count");
      if (bytes.byteLength !== blocks * t.blockBytes) {
        throw new QsimdError("LENGTH_MISMATCH", `${count} ${t.name} values take ${blocks * t.blockBytes} bytes, got ${bytes.byteLength}`);
      }
      if (!canDequantize(t)) throw unsupported(t, "dequantization");
      return withOperands(ctx, (ops) => {
        const result = ops.output(out, "Float32Array", count, count * 4, () => new Float32Array(count));
        const pin = ops.input(bytes, bytes.byteLength, "bytes", `${count} ${t.name} values`);
        if (t.name === "F32") memory.of(Uint8Array).copyWithin(result.ptr, pin, pin + count * 4);
        else if (t.name === "F16") e.f16ToF32(pin, result.ptr, count);
        else if (t.name === "BF16") e.bf16ToF32(pin, result.ptr, count);
        else e.ggufDequantize(t.id, pin, result.ptr, blocks);
        return result.finish();
      });
    },
  };
}
