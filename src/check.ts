import { QsimdError } from "./errors.js";

type TypedArrayName = "Int8Array" | "Uint8Array" | "Uint16Array" | "Float32Array";

/**
 * Throws unless `value` is a typed array of the given kind. Checks the tag rather than
 * `instanceof`, so arrays from another realm (an iframe, a vm context) are accepted.
 */
export function expectTypedArray(value: unknown, kind: TypedArrayName, what: string): void {
  if (ArrayBuffer.isView(value) && (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === kind) return;
  throw new QsimdError("INVALID_ARGUMENT", `${what} must be ${kind.startsWith("Int") ? "an" : "a"} ${kind}, got ${describe(value)}`);
}

export function expectSameLength(a: { length: number }, b: { length: number }, what: string): void {
  if (a.length !== b.length) {
    throw new QsimdError("LENGTH_MISMATCH", `${what}: lengths differ (${a.length} and ${b.length})`);
  }
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (ArrayBuffer.isView(value)) return (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] ?? "DataView";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}
