import { describe } from "./check.js";
import type { Context } from "./context.js";
import { QsimdError } from "./errors.js";
import { expectOptions } from "./linear/quantize.js";
import { withOperands, type Operands } from "./operands.js";
import { isResident, type ResidentBuffer } from "./resident.js";

type Int8Type = "int8" | "uint8";
type Operand = Int8Array | Uint8Array | ResidentBuffer;

export interface MatmulIntegerOptions {
  m: number;
  k: number;
  n: number;
  /** Default: from a's array type (Int8Array -> int8, Uint8Array -> uint8). */
  aType?: Int8Type;
  bType?: Int8Type;
  /** One per tensor, or one per row of a (m). Default 0. */
  aZeroPoint?: number | ArrayLike<number>;
  /** One per tensor, or one per column of b (n). Default 0. */
  bZeroPoint?: number | ArrayLike<number>;
}

export interface MatmulFloatOptions extends MatmulIntegerOptions {
  aScale: number;
  /** One per tensor, or one per column of b (n). */
  bScale: number | ArrayLike<number>;
  /** n values added to every row. */
  bias?: ArrayLike<number>;
  out?: Float32Array | ResidentBuffer;
}

export interface MatmulRequantizeOptions extends MatmulIntegerOptions {
  /** Q31 fixed-point multiplier(s), per tensor or per column; see quantizeMultiplier(). */
  multiplier: number | ArrayLike<number>;
  /** Power-of-two exponent(s) to go with each multiplier. */
  shift: number | ArrayLike<number>;
  outZeroPoint?: number;
  outType?: Int8Type;
  out?: Int8Array | Uint8Array | ResidentBuffer;
}

const RANGE = { int8: [-128, 127], uint8: [0, 255] } as const;

function dims(o: MatmulIntegerOptions): void {
  for (const name of ["m", "k", "n"] as const) {
    const v = o[name];
    if (!Number.isSafeInteger(v) || v < 0 || v > 0x7fffffff) {
      throw new QsimdError("INVALID_ARGUMENT", `${name} must be an integer >= 0, got ${describe(v)} ${String(v)}`);
    }
  }
}

function typeOf(value: unknown, declared: Int8Type | undefined, what: string): Int8Type {
  if (declared !== undefined && declared !== "int8" && declared !== "uint8") {
    throw new QsimdError("INVALID_ARGUMENT", `${what}Type must be "int8" or "uint8", got ${JSON.stringify(declared)}`);
  }
  const tag = isResident(value) ? value.type : ArrayBuffer.isView(value) ? (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] : undefined;
  const natural = tag === "Int8Array" ? "int8" : tag === "Uint8Array" ? "uint8" : undefined;
  if (!isResident(value)) {
    if (!natural) throw new QsimdError("INVALID_ARGUMENT", `${what} must be an Int8Array, a Uint8Array or a resident buffer, got ${describe(value)}`);
    if (declared && declared !== natural) throw new QsimdError("INVALID_ARGUMENT", `${what} is a ${tag} but ${what}Type is ${declared}`);
  }
  const type = declared ?? natural;
  if (!type) throw new QsimdError("INVALID_ARGUMENT", `${what} is a resident ${tag} buffer: say ${what}Type: "int8" or "uint8"`);
  return type;
}

/** Integer values, each within [lo, hi], `count` of them (a single value is repeated). */
function integers(value: unknown, count: number, lo: number, hi: number, what: string, per: string): Int32Array {
  const out = new Int32Array(count);
  if (value === undefined) return out;
  const values: ArrayLike<number> = typeof value === "number" ? [value] : (value as ArrayLike<number>);
  if (values === null || typeof values !== "object" || typeof values.length !== "number") {
    throw new QsimdError("INVALID_ARGUMENT", `${what} must be a number or an array of numbers, got ${describe(value)}`);
  }
  if (values.length !== 1 && values.length !== count) {
    throw new QsimdError("LENGTH_MISMATCH", `${what} has ${values.length} values; give 1, or ${count} (${per})`);
  }
  for (let i = 0; i < count; i++) {
    const v = values[values.length === 1 ? 0 : i];
    if (!Number.isInteger(v) || v < lo || v > hi) throw new QsimdError("INVALID_ARGUMENT", `${what} ${v} is not an integer in [${lo}, ${hi}]`);
    out[i] = v;
  }
  return out;
}

/** Finite float32 values, one or `count`; returns them and whether there is one per column. */
function floats(value: unknown, count: number, what: string): { values: Float32Array; perColumn: boolean } {
  const list: ArrayLike<number> = typeof value === "number" ? [value] : (value as ArrayLike<number>);
  if (list === null || typeof list !== "object" || typeof list.length !== "number") {
    throw new QsimdError("INVALID_ARGUMENT", `${what} must be a number or an array of numbers, got ${describe(value)}`);
  }
  if (list.length !== 1 && list.length !== count) {
    throw new QsimdError("LENGTH_MISMATCH", `${what} has ${list.length} values; give 1, or ${count} (one per column)`);
  }
  const values = Float32Array.from(list);
  if (!values.every((v) => Number.isFinite(v))) throw new QsimdError("INVALID_ARGUMENT", `${what} must be finite`);
  return { values, perColumn: values.length === count && count !== 1 };
}

export function matmulApi(ctx: Context) {
  const { e } = ctx;

  /** The integer product of a and b into `acc` (a temporary block unless given). */
  function product(ops: Operands, a: Operand, b: Operand, o: MatmulIntegerOptions, acc?: number): number {
    const { m, k, n } = o;
    const aType = typeOf(a, o.aType, "a");
    const bType = typeOf(b, o.bType, "b");
    const aZp = integers(o.aZeroPoint, m, RANGE[aType][0], RANGE[aType][1], "aZeroPoint", "one per row of a");
    const bZp = integers(o.bZeroPoint, n, RANGE[bType][0], RANGE[bType][1], "bZeroPoint", "one per column of b");
    const pa = ops.input(a, m * k, "a", "m * k");
    const pb = ops.input(b, k * n, "b", "k * n");
    const y = acc ?? ops.alloc(m * n * 4);
    const pBzp = bZp.some((z) => z !== 0) ? ops.copy(bZp) : 0;
    e.matmulInteger(pa, pb, y, m, k, n, aType === "int8", bType === "int8", ops.copy(aZp), pBzp, ops.alloc(m * Math.ceil(k / 2) * 4));
    return y;
  }

  function start(options: MatmulIntegerOptions, what: string): void {
    expectOptions(options, `${what}(a, b, options)`);
    dims(options);
  }

  return {
    /**
     * ONNX MatMulInteger: (a - aZeroPoint) x (b - bZeroPoint) as int32 (wrapping, as int32 arithmetic
     * does), a [m, k] and b [k, n] row-major. Resident buffers are used in place; `out` may be an
     * Int32Array or a resident buffer of m * n * 4 bytes.
     */
    matmulInteger(a: Operand, b: Operand, options: MatmulIntegerOptions & { out?: Int32Array | ResidentBuffer }): Int32Array | ResidentBuffer {
      start(options, "matmulInteger");
      const { m, n } = options;
      return withOperands(ctx, (ops) => {
        const out = ops.output(options.out, "Int32Array", m * n, m * n * 4, () => new Int32Array(m * n));
        product(ops, a, b, options, out.ptr);
        return out.finish();
      });
    },

    /**
     * MatMulInteger, then out[i, j] = float32(float32(acc[i, j]) * float32(aScale * bScale[j])) + bias[j]
     * (bScale per tensor or per column; the bias optional), the same bits in every build.
     */
    matmulIntegerToFloat(a: Operand, b: Operand, options: MatmulFloatOptions): Float32Array | ResidentBuffer {
      start(options, "matmulIntegerToFloat");
      const { m, n } = options;
      if (!Number.isFinite(options.aScale)) throw new QsimdError("INVALID_ARGUMENT", `aScale must be a finite number, got ${describe(options.aScale)}`);
      const { values: bScale, perColumn } = floats(options.bScale, n, "bScale");
      const scale = bScale.map((s) => Math.fround(options.aScale * s));
      const bias = options.bias === undefined ? undefined : floats(options.bias, n, "bias");
      if (bias && !bias.perColumn && n !== 1) throw new QsimdError("LENGTH_MISMATCH", `bias needs ${n} values, one per column`);
      return withOperands(ctx, (ops) => {
        const out = ops.output(options.out, "Float32Array", m * n, m * n * 4, () => new Float32Array(m * n));
        const acc = product(ops, a, b, options);
        e.accToFloat(acc, out.ptr, m, n, ops.copy(scale), perColumn, bias ? ops.copy(bias.values) : 0);
        return out.finish();
      });
    },

    /** MatMulInteger, then the integer-only requantization of gemmlowp / TFLite to int8 or uint8. */
    matmulIntegerRequantize(a: Operand, b: Operand, options: MatmulRequantizeOptions): Int8Array | Uint8Array | ResidentBuffer {
      start(options, "matmulIntegerRequantize");
      const { m, n } = options;
      const outType = options.outType ?? "int8";
      if (outType !== "int8" && outType !== "uint8") throw new QsimdError("INVALID_ARGUMENT", `outType must be "int8" or "uint8", got ${JSON.stringify(outType)}`);
      const [lo, hi] = RANGE[outType];
      const multiplier = integers(options.multiplier, n, 0, 0x7fffffff, "multiplier", "one per column of b");
      const shift = integers(options.shift, n, -31, 31, "shift", "one per column of b");
      const perColumn = [options.multiplier, options.shift].some((v) => typeof v !== "number" && (v as ArrayLike<number>)?.length !== 1);
      const outZp = integers(options.outZeroPoint, 1, lo, hi, "outZeroPoint", "one per tensor")[0];
      const Out = outType === "int8" ? Int8Array : Uint8Array;
      return withOperands(ctx, (ops) => {
        const out = ops.output(options.out, Out.name, m * n, m * n, () => new Out(m * n));
        const acc = product(ops, a, b, options);
        e.accToInt8(acc, out.ptr, m, n, ops.copy(multiplier), ops.copy(shift), perColumn, outZp, lo, hi);
        return out.finish();
      });
    },
  };
}

/**
 * A real multiplier (e.g. aScale * bScale / outScale) as the Q31 fixed-point multiplier and shift of
 * gemmlowp / TFLite: real = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31).
 */
export function quantizeMultiplier(real: number): { multiplier: number; shift: number } {
  if (!Number.isFinite(real) || real < 0) throw new QsimdError("INVALID_ARGUMENT", `the multiplier must be finite and >= 0, got ${real}`);
  if (real === 0) return { multiplier: 0, shift: 0 };
  let shift = Math.floor(Math.log2(real)) + 1; // real = q * 2^shift, q in [0.5, 1)
  while (real / 2 ** shift >= 1) shift++;
  while (real / 2 ** shift < 0.5) shift--;
  let q = Math.round((real / 2 ** shift) * 2 ** 31); // ties away from zero, as std::round (q > 0)
  if (q === 2 ** 31) {
    q /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  if (shift > 31) throw new QsimdError("INVALID_ARGUMENT", `the multiplier ${real} is too large (shift ${shift} > 31)`);
  return { multiplier: q, shift };
}
