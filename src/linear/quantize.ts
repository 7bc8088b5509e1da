import { describe, expectTypedArray } from "../check.js";
import type { Context } from "../context.js";
import { QsimdError } from "../errors.js";
import type { TypedArray } from "../memory.js";
import { withOperands } from "../operands.js";
import { isResident, type ResidentBuffer } from "../resident.js";
import { type Layout, type LayoutOptions, type LinearType, resolveLayout, type TypeInfo, TYPES, typeInfo } from "./layout.js";

export interface QuantizeOptions extends LayoutOptions {
  type: LinearType;
  /** One scale (per tensor), one per slice along `axis` (per axis), or one per block (with `blockSize`). */
  scale: number | ArrayLike<number>;
  /** One per scale, or a single one for all; default 0. */
  zeroPoint?: number | ArrayLike<number>;
  /** Receives the result: the type's array of the input's length (int4/uint4: Uint8Array of ceil(n / 2) bytes), or a resident buffer of that size. */
  out?: TypedArray | ResidentBuffer;
}

export interface DequantizeOptions extends LayoutOptions {
  /** Default: from the array's type (int4 and uint4 must be named). */
  type?: LinearType;
  scale: number | ArrayLike<number>;
  zeroPoint?: number | ArrayLike<number>;
  out?: Float32Array | ResidentBuffer;
}

const ARRAYS: Record<string, { new (n: number): TypedArray }> = { Int8Array, Uint8Array, Int16Array, Uint16Array };

export function expectOptions(options: unknown, what: string): void {
  if (typeof options !== "object" || options === null) {
    throw new QsimdError("INVALID_ARGUMENT", `${what} needs an options object, got ${describe(options)}`);
  }
}

/** Scales as float32, each finite and > 0 after rounding to float32. */
export function toScales(scale: unknown): Float32Array {
  let scales: Float32Array;
  if (typeof scale === "number") scales = Float32Array.of(scale);
  else if (scale !== null && typeof scale === "object" && typeof (scale as ArrayLike<number>).length === "number") {
    scales = Float32Array.from(scale as ArrayLike<number>);
  } else throw new QsimdError("INVALID_ARGUMENT", `scale must be a number or an array of numbers, got ${describe(scale)}`);
  if (scales.length === 0) throw new QsimdError("INVALID_ARGUMENT", "scale is empty");
  for (let i = 0; i < scales.length; i++) {
    const s = scales[i];
    if (!(s > 0 && s < Infinity)) {
      throw new QsimdError("INVALID_ARGUMENT", `scale${scales.length > 1 ? `[${i}]` : ""} must be finite and > 0 in float32, got ${s}`);
    }
  }
  return scales;
}

/** Zero points as int32, one per scale, each an integer within the type's range. */
export function toZeroPoints(zeroPoint: unknown, count: number, t: TypeInfo, typeName: string): Int32Array {
  const zps = new Int32Array(count);
  if (zeroPoint === undefined) return zps;
  let values: ArrayLike<number>;
  if (typeof zeroPoint === "number") values = { length: 1, 0: zeroPoint };
  else if (zeroPoint !== null && typeof zeroPoint === "object" && typeof (zeroPoint as ArrayLike<number>).length === "number") values = zeroPoint as ArrayLike<number>;
  else throw new QsimdError("INVALID_ARGUMENT", `zeroPoint must be a number or an array of numbers, got ${describe(zeroPoint)}`);
  if (values.length !== 1 && values.length !== count) {
    throw new QsimdError("LENGTH_MISMATCH", `zeroPoint has ${values.length} values, the scales need ${count} (or 1 for all)`);
  }
  for (let i = 0; i < count; i++) {
    const z = values[values.length === 1 ? 0 : i];
    if (!Number.isInteger(z) || z < t.min || z > t.max) {
      throw new QsimdError("INVALID_ARGUMENT", `zeroPoint ${z} is not an integer in ${typeName}'s range [${t.min}, ${t.max}]`);
    }
    zps[i] = z;
  }
  return zps;
}

function scaledLayout(count: number, options: LayoutOptions & { scale: unknown }, what: string): { layout: Layout; scales: Float32Array } {
  const scales = toScales(options.scale);
  const layout = resolveLayout(count, options, scales.length === 1);
  if (scales.length !== layout.scales) {
    const needs = layout.granularity === "block"
      ? `${layout.scales} (one per block of ${layout.blockSize} along the axis)`
      : `${layout.scales} (one per slice along the axis, or 1 for the whole tensor)`;
    throw new QsimdError("LENGTH_MISMATCH", `${what}: ${scales.length} scales given, this layout needs ${needs}`);
  }
  return { layout, scales };
}

export function quantizeApi(ctx: Context) {
  const { e } = ctx;

  /**
   * ONNX QuantizeLinear. `x` may be a resident buffer of float32 bytes, `out` a resident buffer;
   * both are then used in place, with no copies.
   */
  function quantizeLinear(x: Float32Array | ResidentBuffer, options: QuantizeOptions): TypedArray | ResidentBuffer {
    if (!isResident(x)) expectTypedArray(x, "Float32Array", "x");
    expectOptions(options, "quantizeLinear(x, options)");
    const t = typeInfo(options.type);
    const n = isResident(x) ? Math.floor(x.byteLength / 4) : x.length;
    const { layout, scales } = scaledLayout(n, options, "quantizeLinear");
    const zps = toZeroPoints(options.zeroPoint, layout.scales, t, options.type);
    const length = t.packed ? Math.ceil(n / 2) : n;
    return withOperands(ctx, (ops) => {
      const out = ops.output(options.out, t.array, length, length * t.codeBytes, () => new ARRAYS[t.array](length));
      const px = ops.input(x, n * 4, "x", "4 bytes per element");
      const codes = t.packed ? ops.alloc(n) : out.ptr;
      e.quantizeLinear(px, codes, layout.outer, layout.axisLen, layout.inner, ops.copy(scales), ops.copy(zps), layout.blockSize, t.id);
      if (t.packed) e.packNibbles(codes, out.ptr, n);
      return out.finish();
    });
  }

  /** ONNX DequantizeLinear. `q` and `out` may be resident buffers, used in place. */
  function dequantizeLinear(q: TypedArray | ResidentBuffer, options: DequantizeOptions): Float32Array | ResidentBuffer {
    expectOptions(options, "dequantizeLinear(q, options)");
    if (isResident(q) && options.type === undefined) {
      throw new QsimdError("INVALID_ARGUMENT", "q is a resident buffer: name its type (int8, uint8, int16, uint16, int4 or uint4)");
    }
    const typeName = options.type ?? inferType(q);
    const t = typeInfo(typeName);
    if (!isResident(q)) expectTypedArray(q, t.array as "Uint8Array", `q (${typeName})`);
    const stored = q.byteLength / t.codeBytes; // codes, or bytes of nibbles
    const count = options.shape ? options.shape.reduce((p, d) => p * d, 1) : t.packed ? stored * 2 : stored;
    if (t.packed && stored !== Math.ceil(count / 2)) {
      throw new QsimdError("LENGTH_MISMATCH", `${count} ${typeName} values take ${Math.ceil(count / 2)} bytes, q has ${stored}`);
    }
    if (!t.packed && stored !== count) {
      throw new QsimdError("LENGTH_MISMATCH", `shape holds ${count} elements, q has ${stored}`);
    }
    const { layout, scales } = scaledLayout(count, options, "dequantizeLinear");
    const zps = toZeroPoints(options.zeroPoint, layout.scales, t, typeName);
    return withOperands(ctx, (ops) => {
      const out = ops.output(options.out, "Float32Array", count, count * 4, () => new Float32Array(count));
      const pin = ops.input(q, q.byteLength, "q", "its size");
      let codes = pin;
      if (t.packed) e.unpackNibbles(pin, (codes = ops.alloc(count)), count, typeName === "int4");
      e.dequantizeLinear(codes, out.ptr, layout.outer, layout.axisLen, layout.inner, ops.copy(scales), ops.copy(zps), layout.blockSize, t.id);
      return out.finish();
    });
  }

  return { quantizeLinear, dequantizeLinear };
}

function inferType(q: unknown): LinearType {
  const tag = ArrayBuffer.isView(q) ? (q as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] : undefined;
  const found = (Object.keys(TYPES) as LinearType[]).find((name) => !TYPES[name].packed && TYPES[name].array === tag);
  if (!found) throw new QsimdError("INVALID_ARGUMENT", `q must be an Int8Array, Uint8Array, Int16Array or Uint16Array (or name type: "int4" / "uint4"), got ${describe(q)}`);
  return found;
}
