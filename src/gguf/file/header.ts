// The GGUF header (magic, version, metadata, tensor infos), parsed from the first bytes of a file.
// Every count and length is checked against the bytes that can still hold it before anything is
// allocated, so a header claiming 2^60 tensors fails at once instead of exhausting memory.
import { QsimdError } from "../../errors.js";
import { ggufType } from "../types.js";
import { decodeUtf8 } from "./utf8.js";
import { ARRAY_CTORS, ARRAY_ID, type GgufValue, type GgufValueType, scalarById } from "./values.js";

/** A tensor's entry in the header; `offset` is absolute in the file. */
export interface GgufTensorInfo {
  name: string;
  /** GGUF type name ("Q4_K", "F32", ...). */
  type: string;
  /** ggml_type id. */
  typeId: number;
  /** Dimensions in GGUF order: shape[0] is the row length (ggml's ne[0]). */
  shape: number[];
  offset: number;
  byteLength: number;
}

export interface GgufHeader {
  version: 1 | 2 | 3;
  alignment: number;
  /** Where tensor data starts (tensor offsets in the file are relative to it). */
  dataOffset: number;
  metadata: Record<string, GgufValue>;
  /** The GGUF type of every metadata value, so a file can be written back exactly. */
  types: Record<string, GgufValueType>;
  tensors: GgufTensorInfo[];
}

export const MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
export const DEFAULT_ALIGNMENT = 32;
const MAX_DIMS = 4; // ggml's GGML_MAX_DIMS
const PLAUSIBLE = 2 ** 32; // counts and lengths beyond this are corruption, not a cut file

/** Thrown when the bytes given end before the header does and more of the file exists. */
export class NeedMore {
  constructor(readonly bytes: number) {}
}

const fail = (code: "TRUNCATED" | "MALFORMED" | "BAD_MAGIC" | "UNSUPPORTED_VERSION", offset: number, message: string) =>
  new QsimdError(code, `GGUF byte ${offset}: ${message}`, { offset });

/**
 * Parses the header from `bytes`, the file's first bytes. `fileSize` is the whole file's size when
 * known (undefined for a stream still running); `complete` says `bytes` is all there is.
 */
export function parseHeader(bytes: Uint8Array, fileSize: number | undefined, complete: boolean): GgufHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number, what: string) => {
    if (at + n <= bytes.length) return;
    if (!complete) throw new NeedMore(at + n);
    throw fail("TRUNCATED", at, `the file ends (${bytes.length} bytes) inside ${what}`);
  };
  // What the rest of the file can hold, for bounding counts before allocating.
  const remaining = () => (fileSize ?? (complete ? bytes.length : Infinity)) - at;
  const u32 = (what: string) => (need(4, what), (at += 4), view.getUint32(at - 4, true));
  const u64 = (what: string) => {
    need(8, what);
    const start = at;
    const v = view.getBigUint64(at, true);
    at += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw fail("MALFORMED", start, `${what} is ${v}, more than any file can hold`);
    return Number(v);
  };

  if (bytes.length < 4 && !complete) throw new NeedMore(4);
  if (bytes.length < 4 || view.getUint32(0, true) !== MAGIC) {
    const head = decodeUtf8(bytes.subarray(0, 4)).replace(/[^\x20-\x7e]/g, "?");
    const legacy = ["lmgg", "fmgg", "tjgg"].includes(head) ? " (a pre-GGUF ggml/GGJT file: convert it with llama.cpp first)" : "";
    throw fail("BAD_MAGIC", 0, `not a GGUF file: it starts with "${head}", not "GGUF"${legacy}`);
  }
  at = 4;
  const version = u32("the version");
  if (version !== 1 && version !== 2 && version !== 3) {
    const swapped = ((version & 0xff) << 24 | (version & 0xff00) << 8 | (version >>> 8) & 0xff00 | version >>> 24) >>> 0;
    const why = swapped >= 1 && swapped <= 3 ? `a big-endian GGUF v${swapped} file; qsimd reads little-endian files only` : `GGUF version ${version}; qsimd reads versions 1, 2 and 3`;
    throw fail("UNSUPPORTED_VERSION", 4, why);
  }
  const v1 = version === 1;
  const count = (what: string) => (v1 ? u32(what) : u64(what));
  // A count the rest of the file cannot hold: a cut file when the count is plausible, else a
  // corrupt one; either way nothing is allocated for it.
  const bound = (n: number, each: number, what: string, start: number) => {
    if (n * each <= remaining()) return;
    const code = n > PLAUSIBLE ? "MALFORMED" : "TRUNCATED";
    throw fail(code, start, `${what} is ${n}, but the ${remaining()} bytes left in the file cannot hold that many`);
  };
  const string = (what: string) => {
    const start = at;
    const n = count(`the length of ${what}`);
    if (n > PLAUSIBLE && n > remaining()) throw fail("MALFORMED", start, `${what} claims ${n} bytes, past the end of the file`);
    need(n, what);
    at += n;
    return decodeUtf8(bytes.subarray(at - n, at));
  };

  const readValue = (typeId: number, what: string, depth: number): { value: GgufValue; type: GgufValueType } => {
    const start = at;
    if (typeId === ARRAY_ID) {
      if (depth > 8) throw fail("MALFORMED", start, `${what} nests arrays more than 8 deep`);
      const itemId = u32(`the item type of ${what}`);
      const n = count(`the length of ${what}`);
      const scalar = scalarById.get(itemId);
      if (!scalar && itemId !== ARRAY_ID) throw fail("MALFORMED", at - (v1 ? 8 : 12), `${what} has items of unknown type ${itemId}`);
      const each = scalar ? (scalar.size || (v1 ? 4 : 8)) : v1 ? 8 : 12;
      bound(n, each, `the length of ${what}`, start);
      if (scalar && scalar.size) {
        need(n * scalar.size, what);
        const Ctor = ARRAY_CTORS[scalar.name];
        const out: ArrayLike<unknown> & Record<number, unknown> = Ctor ? new Ctor(n) : new Array(n);
        const s = scalar.size;
        for (let i = 0, p = at; i < n; i++, p += s) out[i] = readScalar(view, scalar.id, p);
        at += n * s;
        return { value: out as GgufValue, type: `${scalar.name}[]` };
      }
      const items: GgufValue[] = [];
      let itemType: GgufValueType = itemId === ARRAY_ID ? "uint32[]" : "string";
      for (let i = 0; i < n; i++) {
        if (scalar) items.push(string(`${what}[${i}]`));
        else {
          const item = readValue(ARRAY_ID, `${what}[${i}]`, depth + 1);
          items.push(item.value);
          itemType = item.type;
        }
      }
      return { value: items as GgufValue, type: `${itemType}[]` as GgufValueType };
    }
    const scalar = scalarById.get(typeId);
    if (!scalar) throw fail("MALFORMED", start - 4, `${what} has unknown value type ${typeId}`);
    if (scalar.name === "string") return { value: string(what), type: "string" };
    need(scalar.size, what);
    at += scalar.size;
    return { value: readScalar(view, typeId, start) as GgufValue, type: scalar.name };
  };

  const tensorCount = count("the tensor count");
  const kvCount = count("the metadata count");
  bound(kvCount, v1 ? 9 : 13, "the metadata count", v1 ? 12 : 16);
  bound(tensorCount, v1 ? 24 : 32, "the tensor count", 8);

  const metadata: Record<string, GgufValue> = {};
  const types: Record<string, GgufValueType> = {};
  for (let i = 0; i < kvCount; i++) {
    const start = at;
    const key = string(`metadata key ${i}`);
    if (Object.prototype.hasOwnProperty.call(metadata, key)) throw fail("MALFORMED", start, `duplicate metadata key ${JSON.stringify(key)}`);
    const { value, type } = readValue(u32(`the type of ${JSON.stringify(key)}`), JSON.stringify(key), 0);
    // defineProperty: a key like "__proto__" stays an ordinary entry.
    Object.defineProperty(metadata, key, { value, enumerable: true, writable: true, configurable: true });
    Object.defineProperty(types, key, { value: type, enumerable: true, writable: true, configurable: true });
    if (key === "general.alignment") {
      const ok = type === "uint32" && (value as number) > 0 && ((value as number) & ((value as number) - 1)) === 0;
      if (!ok) throw fail("MALFORMED", start, `general.alignment must be a uint32 power of two, got ${type} ${String(value)}`);
    }
  }
  const alignment = (metadata["general.alignment"] as number | undefined) ?? DEFAULT_ALIGNMENT;

  const tensors: GgufTensorInfo[] = [];
  const names = new Set<string>();
  const relative: number[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const start = at;
    const name = string(`the name of tensor ${i}`);
    if (names.has(name)) throw fail("MALFORMED", start, `duplicate tensor name ${JSON.stringify(name)}`);
    names.add(name);
    const dims = u32(`the dimension count of ${name}`);
    if (dims > MAX_DIMS) throw fail("MALFORMED", at - 4, `tensor ${JSON.stringify(name)} has ${dims} dimensions; GGUF (ggml) allows at most ${MAX_DIMS}`);
    const shape: number[] = [];
    let elements = 1;
    for (let d = 0; d < dims; d++) {
      const n = v1 ? u32(`a dimension of ${name}`) : u64(`a dimension of ${name}`);
      shape.push(n);
      elements *= n;
      if (elements > Number.MAX_SAFE_INTEGER) throw fail("MALFORMED", start, `tensor ${JSON.stringify(name)} of shape [${shape}] has too many elements`);
    }
    const typeAt = at;
    const typeId = u32(`the type of ${name}`);
    let type;
    try {
      type = ggufType(typeId);
    } catch {
      throw new QsimdError("UNKNOWN_TYPE", `GGUF byte ${typeAt}: tensor ${JSON.stringify(name)} has type id ${typeId}, not a ggml type qsimd knows`, { offset: typeAt });
    }
    if (elements % type.blockSize !== 0) {
      throw fail("MALFORMED", typeAt, `tensor ${JSON.stringify(name)} holds ${elements} values, not whole ${type.name} blocks of ${type.blockSize}`);
    }
    const offsetAt = at;
    const offset = u64(`the data offset of ${name}`);
    if (offset % alignment !== 0) throw fail("MALFORMED", offsetAt, `tensor ${JSON.stringify(name)}'s data offset ${offset} is not a multiple of the alignment ${alignment}`);
    relative.push(offsetAt);
    tensors.push({ name, type: type.name, typeId, shape, offset, byteLength: (elements / type.blockSize) * type.blockBytes });
  }

  const dataOffset = Math.ceil(at / alignment) * alignment;
  const size = fileSize ?? (complete ? bytes.length : undefined);
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    t.offset += dataOffset;
    if (size !== undefined && t.offset + t.byteLength > size) {
      throw fail("TRUNCATED", relative[i], `tensor ${JSON.stringify(t.name)}'s data (bytes ${t.offset}..${t.offset + t.byteLength}) runs past the end of the file (${size} bytes)`);
    }
  }
  const order = tensors.map((_, i) => i).sort((a, b) => tensors[a].offset - tensors[b].offset);
  for (let k = 1; k < order.length; k++) {
    const a = tensors[order[k - 1]];
    const b = tensors[order[k]];
    if (b.offset < a.offset + a.byteLength) {
      throw fail("MALFORMED", relative[order[k]], `tensors ${JSON.stringify(a.name)} and ${JSON.stringify(b.name)} overlap (bytes ${b.offset}..${a.offset + a.byteLength})`);
    }
  }
  return { version, alignment, dataOffset, metadata, types, tensors };
}

function readScalar(view: DataView, id: number, p: number): GgufValue {
  switch (id) {
    case 0: return view.getUint8(p);
    case 1: return view.getInt8(p);
    case 2: return view.getUint16(p, true);
    case 3: return view.getInt16(p, true);
    case 4: return view.getUint32(p, true);
    case 5: return view.getInt32(p, true);
    case 6: return view.getFloat32(p, true);
    case 7: return view.getUint8(p) !== 0;
    case 10: return safe(view.getBigUint64(p, true));
    case 11: return safe(view.getBigInt64(p, true));
    default: return view.getFloat64(p, true);
  }
}

function safe(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}
