// Writing GGUF v3: the header first (every tensor's size follows from its type and shape), then
// each tensor's data as it is produced, padded to the alignment, so a model never has to be held
// in memory twice.
import { QsimdError } from "../../errors.js";
import { ggufType } from "../types.js";
import { DEFAULT_ALIGNMENT, MAGIC } from "./header.js";
import { encodeUtf8 } from "./utf8.js";
import { ARRAY_ID, type GgufValue, type GgufValueType, inferValueType, parseValueType } from "./values.js";

export interface GgufTensorSpec {
  name: string;
  /** GGUF type name or ggml_type id. */
  type: string | number;
  /** GGUF order: shape[0] is the row length. */
  shape: readonly number[];
  /** The tensor's bytes, or a function that makes them when the writer reaches this tensor. */
  data: Uint8Array | (() => Uint8Array | Promise<Uint8Array>);
}

export interface GgufWriteSpec {
  metadata?: Record<string, GgufValue>;
  /** GGUF types of metadata values (as `readGguf` reports them); others are inferred from the values. */
  types?: Record<string, GgufValueType>;
  tensors?: readonly GgufTensorSpec[];
  /** Data alignment (default: metadata's general.alignment, else 32). */
  alignment?: number;
}

class Bytes {
  buf = new Uint8Array(1 << 16);
  view = new DataView(this.buf.buffer);
  length = 0;
  room(n: number) {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number) { this.room(1); this.view.setUint8(this.length, v); this.length += 1; }
  u32(v: number) { this.room(4); this.view.setUint32(this.length, v, true); this.length += 4; }
  u64(v: number | bigint) { this.room(8); this.view.setBigUint64(this.length, BigInt(v), true); this.length += 8; }
  raw(b: Uint8Array) { this.room(b.length); this.buf.set(b, this.length); this.length += b.length; }
  string(s: string) { const b = encodeUtf8(s); this.u64(b.length); this.raw(b); }
}

function bad(key: string, type: string, value: unknown): QsimdError {
  return new QsimdError("INVALID_ARGUMENT", `metadata ${JSON.stringify(key)}: ${String(value)} is not a valid ${type}`);
}

const RANGES: Record<string, [number, number]> = {
  uint8: [0, 0xff], int8: [-0x80, 0x7f], uint16: [0, 0xffff], int16: [-0x8000, 0x7fff], uint32: [0, 0xffffffff], int32: [-0x80000000, 0x7fffffff],
};

function writeScalar(out: Bytes, name: string, value: unknown, key: string): void {
  const range = RANGES[name];
  if (range) {
    if (typeof value !== "number" || !Number.isInteger(value) || value < range[0] || value > range[1]) throw bad(key, name, value);
    const size = name.endsWith("8") ? 1 : name.endsWith("16") ? 2 : 4;
    out.room(size);
    if (size === 1) out.view[name === "int8" ? "setInt8" : "setUint8"](out.length, value);
    else if (size === 2) out.view[name === "int16" ? "setInt16" : "setUint16"](out.length, value, true);
    else out.view[name === "int32" ? "setInt32" : "setUint32"](out.length, value, true);
    out.length += size;
    return;
  }
  switch (name) {
    case "float32":
    case "float64":
      if (typeof value !== "number") throw bad(key, name, value);
      out.room(8);
      if (name === "float32") out.view.setFloat32(out.length, value, true), (out.length += 4);
      else out.view.setFloat64(out.length, value, true), (out.length += 8);
      return;
    case "bool":
      if (typeof value !== "boolean") throw bad(key, name, value);
      return out.u8(value ? 1 : 0);
    case "string":
      if (typeof value !== "string") throw bad(key, name, value);
      return out.string(value);
    default: {
      // 64-bit integers, as numbers (safe integers) or BigInt.
      const v = typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : value;
      const signed = name === "int64";
      if (typeof v !== "bigint" || (signed ? v !== BigInt.asIntN(64, v) : v !== BigInt.asUintN(64, v))) throw bad(key, name, value);
      out.room(8);
      if (signed) out.view.setBigInt64(out.length, v, true);
      else out.view.setBigUint64(out.length, v, true);
      out.length += 8;
    }
  }
}

function writeValue(out: Bytes, type: string, value: unknown, key: string): void {
  const { scalar, depth } = parseValueType(type);
  if (depth === 0) return writeScalar(out, scalar.name, value, key);
  const isArray = Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
  if (!isArray) throw bad(key, type, value);
  const items = value as ArrayLike<unknown>;
  const inner = type.slice(0, -2);
  out.u32(depth > 1 ? ARRAY_ID : scalar.id);
  out.u64(items.length);
  for (let i = 0; i < items.length; i++) writeValue(out, inner, items[i], key);
}

function pad(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

interface Planned { spec: GgufTensorSpec; byteLength: number }

/** The header bytes (padded to the alignment) and each tensor's size, checking the spec. */
export function ggufHeader(spec: GgufWriteSpec): { header: Uint8Array; tensors: Planned[]; alignment: number } {
  const metadata: Record<string, GgufValue> = { ...(spec.metadata ?? {}) };
  const types: Record<string, GgufValueType> = { ...(spec.types ?? {}) };
  const alignment = spec.alignment ?? (metadata["general.alignment"] as number | undefined) ?? DEFAULT_ALIGNMENT;
  if (!Number.isInteger(alignment) || alignment <= 0 || alignment > 0xffffffff || (alignment & (alignment - 1)) !== 0) {
    throw new QsimdError("INVALID_ARGUMENT", `alignment must be a power of two, got ${alignment}`);
  }
  if (alignment !== DEFAULT_ALIGNMENT || "general.alignment" in metadata) {
    metadata["general.alignment"] = alignment;
    types["general.alignment"] = "uint32";
  }
  const out = new Bytes();
  const tensors = spec.tensors ?? [];
  const keys = Object.keys(metadata);
  out.u32(MAGIC);
  out.u32(3);
  out.u64(tensors.length);
  out.u64(keys.length);
  for (const key of keys) {
    const value = metadata[key];
    const type = types[key] ?? inferValueType(value, key);
    const { scalar, depth } = parseValueType(type);
    out.string(key);
    out.u32(depth ? ARRAY_ID : scalar.id);
    writeValue(out, type, value, key);
  }
  const planned: Planned[] = [];
  const names = new Set<string>();
  let offset = 0;
  for (const t of tensors) {
    if (typeof t?.name !== "string") throw new QsimdError("INVALID_ARGUMENT", "every tensor needs a string name");
    if (names.has(t.name)) throw new QsimdError("INVALID_ARGUMENT", `duplicate tensor name ${JSON.stringify(t.name)}`);
    names.add(t.name);
    const type = ggufType(t.type);
    const shape = Array.from(t.shape ?? []);
    if (shape.length < 1 || shape.length > 4 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new QsimdError("INVALID_ARGUMENT", `tensor ${JSON.stringify(t.name)}: shape must be 1 to 4 integers >= 0, got [${shape}]`);
    }
    const elements = shape.reduce((p, d) => p * d, 1);
    if (!Number.isSafeInteger(elements) || elements % type.blockSize !== 0) {
      throw new QsimdError("LENGTH_MISMATCH", `tensor ${JSON.stringify(t.name)}: ${elements} values are not whole ${type.name} blocks of ${type.blockSize}`);
    }
    const byteLength = (elements / type.blockSize) * type.blockBytes;
    out.string(t.name);
    out.u32(shape.length);
    for (const d of shape) out.u64(d);
    out.u32(type.id);
    out.u64(offset);
    offset = pad(offset + byteLength, alignment);
    planned.push({ spec: t, byteLength });
  }
  // Files without tensors end with the header (as llama.cpp's vocabulary files do).
  const header = new Uint8Array(tensors.length ? pad(out.length, alignment) : out.length);
  header.set(out.buf.subarray(0, out.length));
  return { header, tensors: planned, alignment };
}

/** The file as chunks: the header, then each tensor's bytes and padding, made one at a time. */
export async function* ggufChunks(spec: GgufWriteSpec): AsyncGenerator<Uint8Array> {
  const { header, tensors, alignment } = ggufHeader(spec);
  yield header;
  for (const { spec: t, byteLength } of tensors) {
    const data = typeof t.data === "function" ? await t.data() : t.data;
    if (!(data instanceof Uint8Array)) throw new QsimdError("INVALID_ARGUMENT", `tensor ${JSON.stringify(t.name)}: data must be a Uint8Array`);
    if (data.length !== byteLength) {
      throw new QsimdError("LENGTH_MISMATCH", `tensor ${JSON.stringify(t.name)} of shape [${t.shape}] takes ${byteLength} bytes, got ${data.length}`);
    }
    yield data;
    const padding = pad(byteLength, alignment) - byteLength;
    if (padding) yield new Uint8Array(padding);
  }
}

/** The whole file in memory. */
export async function writeGguf(spec: GgufWriteSpec): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of ggufChunks(spec)) parts.push(chunk);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.length);
  return out;
}

/** The file as a ReadableStream that makes each tensor when the reader asks for it. */
export function writeGgufStream(spec: GgufWriteSpec): ReadableStream<Uint8Array> {
  if (typeof ReadableStream !== "function") throw new QsimdError("UNSUPPORTED_OPERATION", "this runtime has no ReadableStream; use ggufChunks()");
  const chunks = ggufChunks(spec);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
