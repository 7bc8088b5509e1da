import { QsimdError } from "../errors.js";

/** The linear integer types: ONNX's int8, uint8, int4, uint4, int16, uint16. */
export type LinearType = "int8" | "uint8" | "int4" | "uint4" | "int16" | "uint16";

export interface TypeInfo {
  /** The number the wasm ABI uses. */
  id: number;
  min: number;
  max: number;
  /** Bytes per code in wasm memory while quantizing (int4/uint4: one byte, packed afterwards). */
  codeBytes: number;
  packed: boolean;
  /** The typed array users get (packed types: Uint8Array of bytes). */
  array: string;
}

export const TYPES: Record<LinearType, TypeInfo> = {
  int8: { id: 0, min: -128, max: 127, codeBytes: 1, packed: false, array: "Int8Array" },
  uint8: { id: 1, min: 0, max: 255, codeBytes: 1, packed: false, array: "Uint8Array" },
  int16: { id: 2, min: -32768, max: 32767, codeBytes: 2, packed: false, array: "Int16Array" },
  uint16: { id: 3, min: 0, max: 65535, codeBytes: 2, packed: false, array: "Uint16Array" },
  int4: { id: 4, min: -8, max: 7, codeBytes: 1, packed: true, array: "Uint8Array" },
  uint4: { id: 5, min: 0, max: 15, codeBytes: 1, packed: true, array: "Uint8Array" },
};

export function typeInfo(type: unknown): TypeInfo {
  if (typeof type === "string" && Object.hasOwn(TYPES, type)) return TYPES[type as LinearType];
  throw new QsimdError("INVALID_ARGUMENT", `type must be one of ${Object.keys(TYPES).join(", ")}, got ${JSON.stringify(type)}`);
}

export interface LayoutOptions {
  shape?: readonly number[];
  axis?: number;
  blockSize?: number;
}

/**
 * A tensor seen as [outer, axisLen, inner] around the quantization axis, and how many scales that
 * granularity needs. Per tensor is one slice of everything; blocked has ceil(axisLen / blockSize)
 * scales along the axis (ONNX's blocked layout: the scale tensor is the input's shape with the
 * axis dimension divided into blocks).
 */
export interface Layout {
  count: number;
  outer: number;
  axisLen: number;
  inner: number;
  /** 0: per tensor or per axis. */
  blockSize: number;
  scales: number;
  granularity: "tensor" | "axis" | "block";
}

/** `perTensor`: the caller's scale is a single value and no block size was given. */
export function resolveLayout(count: number, options: LayoutOptions, perTensor: boolean): Layout {
  const shape = options.shape ?? [count];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new QsimdError("INVALID_ARGUMENT", `shape must be an array of integers >= 0, got ${JSON.stringify(shape)}`);
  }
  const product = shape.reduce((p, d) => p * d, 1);
  if (product !== count) {
    throw new QsimdError("LENGTH_MISMATCH", `shape [${shape.join(", ")}] holds ${product} elements, the data has ${count}`);
  }
  const { blockSize } = options;
  if (blockSize !== undefined && (!Number.isSafeInteger(blockSize) || blockSize <= 0)) {
    throw new QsimdError("INVALID_ARGUMENT", `blockSize must be an integer > 0, got ${blockSize}`);
  }
  if (perTensor && blockSize === undefined) {
    return { count, outer: 1, axisLen: 1, inner: count, blockSize: 0, scales: 1, granularity: "tensor" };
  }
  const rank = shape.length;
  // ONNX's default axis is 1; a 1-D tensor has only axis 0.
  const axis = options.axis ?? (rank === 1 ? 0 : 1);
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new QsimdError("INVALID_ARGUMENT", `axis ${axis} is out of range for a tensor of rank ${rank} (allowed: ${-rank} to ${rank - 1})`);
  }
  const a = axis < 0 ? axis + rank : axis;
  const outer = shape.slice(0, a).reduce((p, d) => p * d, 1);
  const inner = shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const axisLen = shape[a];
  if (blockSize === undefined) return { count, outer, axisLen, inner, blockSize: 0, scales: axisLen, granularity: "axis" };
  const blocks = Math.ceil(axisLen / blockSize);
  return { count, outer, axisLen, inner, blockSize, scales: outer * blocks * inner, granularity: "block" };
}
