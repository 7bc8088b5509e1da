// Minimal assertions that run in every runtime (no Node APIs, no bare imports).

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = "AssertionError";
  }
}

export function ok(value, message = "expected a truthy value") {
  if (!value) throw new AssertionError(message);
}

export function equal(actual, expected, message = "") {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${message ? message + ": " : ""}expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** Byte-for-byte equality of two typed arrays; reports the first differing element. */
export function sameBits(actual, expected, message = "") {
  const prefix = message ? message + ": " : "";
  if (actual.length !== expected.length) throw new AssertionError(`${prefix}length ${actual.length}, expected ${expected.length}`);
  const a = new Uint8Array(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.length !== b.length) throw new AssertionError(`${prefix}byte length ${a.length}, expected ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      const size = actual.BYTES_PER_ELEMENT ?? 1;
      const element = Math.floor(i / size);
      throw new AssertionError(`${prefix}element ${element} differs: got ${hex(actual, element)}, expected ${hex(expected, element)}`);
    }
  }
}

/** Runs `fn` (sync or async) and checks that it throws a QsimdError with `code`; returns the error. */
export async function rejects(fn, code, pattern) {
  let error;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  if (!error) throw new AssertionError(`expected a QsimdError ${code}, but nothing was thrown`);
  if (error.name !== "QsimdError" || error.code !== code) {
    throw new AssertionError(`expected a QsimdError ${code}, got ${error.name} ${error.code ?? ""}: ${error.message}`);
  }
  if (pattern && !pattern.test(error.message)) throw new AssertionError(`message ${show(error.message)} does not match ${pattern}`);
  return error;
}

function hex(array, i) {
  const size = array.BYTES_PER_ELEMENT ?? 1;
  const bytes = new Uint8Array(array.buffer, array.byteOffset + i * size, size);
  return "0x" + Array.from(bytes).reverse().map((x) => x.toString(16).padStart(2, "0")).join("");
}

function show(value) {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
