// GGUF metadata values: the type ids the format numbers them by, how each reads into JavaScript,
// and the type a JavaScript value is written as when the caller names none.
import { QsimdError } from "../../errors.js";

/** A GGUF scalar value type, named like the typed arrays that hold it. */
export type GgufScalarType =
  | "uint8" | "int8" | "uint16" | "int16" | "uint32" | "int32" | "float32" | "bool" | "string" | "uint64" | "int64" | "float64";
/** A scalar type, or an array of a type written with `[]` (`"string[]"`, `"int32[][]"`). */
export type GgufValueType = GgufScalarType | `${GgufScalarType}[]` | `${string}[][]`;

/** A metadata value: 64-bit integers read as numbers when safe, else as BigInt. */
export type GgufValue = number | bigint | boolean | string | GgufArrayValue;
export type GgufArrayValue =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array
  | (number | bigint)[] | boolean[] | string[] | GgufArrayValue[];

export const ARRAY_ID = 9;
/** Scalar types by GGUF id; `size` 0 for strings. */
export const SCALARS: readonly { name: GgufScalarType; id: number; size: number }[] = [
  { name: "uint8", id: 0, size: 1 }, { name: "int8", id: 1, size: 1 }, { name: "uint16", id: 2, size: 2 },
  { name: "int16", id: 3, size: 2 }, { name: "uint32", id: 4, size: 4 }, { name: "int32", id: 5, size: 4 },
  { name: "float32", id: 6, size: 4 }, { name: "bool", id: 7, size: 1 }, { name: "string", id: 8, size: 0 },
  { name: "uint64", id: 10, size: 8 }, { name: "int64", id: 11, size: 8 }, { name: "float64", id: 12, size: 8 },
];
export const scalarById = new Map(SCALARS.map((s) => [s.id, s]));
const scalarByName = new Map(SCALARS.map((s) => [s.name, s]));

/** The typed array numeric arrays of a scalar type read into (64-bit integers and bools read into plain arrays). */
export const ARRAY_CTORS: Partial<Record<GgufScalarType, { new (n: number): GgufArrayValue & ArrayLike<number> }>> = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array,
  uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array,
};

/** `"int32[][]"` -> ["int32", 2]. Throws for a name that is not a GGUF type. */
export function parseValueType(type: string): { scalar: { name: GgufScalarType; id: number; size: number }; depth: number } {
  let depth = 0;
  let base = type;
  while (base.endsWith("[]")) (base = base.slice(0, -2)), depth++;
  const scalar = scalarByName.get(base as GgufScalarType);
  if (!scalar) throw new QsimdError("INVALID_ARGUMENT", `${JSON.stringify(type)} is not a GGUF value type (${SCALARS.map((s) => s.name).join(", ")}, or one of them with [])`);
  return { scalar, depth };
}

const TYPED_NAMES: [Function, GgufScalarType][] = [
  [Uint8Array, "uint8"], [Int8Array, "int8"], [Uint16Array, "uint16"], [Int16Array, "int16"], [Uint32Array, "uint32"],
  [Int32Array, "int32"], [Float32Array, "float32"], [Float64Array, "float64"], [BigUint64Array, "uint64"], [BigInt64Array, "int64"],
];

/**
 * The type llama.cpp's writers would give a value: integers as uint32 or int32 when they fit, else
 * 64-bit; other numbers float32; typed arrays by their element type.
 */
export function inferValueType(value: unknown, key: string): GgufValueType {
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "bigint") return value < 0n ? "int64" : "uint64";
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return "float32";
    if (value >= 0 && value <= 0xffffffff) return "uint32";
    if (value >= -0x80000000 && value < 0) return "int32";
    return value < 0 ? "int64" : "uint64";
  }
  for (const [ctor, name] of TYPED_NAMES) if (value instanceof ctor) return `${name}[]`;
  if (Array.isArray(value)) {
    if (value.length === 0) return "uint32[]";
    const types = new Set(value.map((v) => inferValueType(v, key)));
    if (types.size === 1) return `${[...types][0]}[]` as GgufValueType;
    // Mixed integers widen to the one type that holds them all.
    const widest = ["uint32", "int32", "uint64", "int64", "float32"].filter((t) => types.has(t as GgufValueType));
    if (widest.length === types.size) {
      if (types.has("float32")) return "float32[]";
      if (types.has("int64") || (types.has("uint64") && (types.has("int32") || types.has("int64")))) return "int64[]";
      if (types.has("uint64")) return "uint64[]";
      return types.has("uint32") && [...value].some((v) => (v as number) > 0x7fffffff) ? "int64[]" : "int32[]";
    }
  }
  throw new QsimdError("INVALID_ARGUMENT", `metadata ${JSON.stringify(key)}: cannot store ${Object.prototype.toString.call(value)} in GGUF (numbers, bigints, booleans, strings, typed arrays and arrays of them)`);
}
