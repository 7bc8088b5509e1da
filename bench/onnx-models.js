// Single-operator ONNX models for the ONNX Runtime Web peer benchmark, written as protobuf bytes
// by a minimal encoder (field numbers from onnx.proto), so the peer needs no model files. Messages
// are lists of byte chunks, so a 64 MiB initializer is never copied into a JavaScript array.

export const ONNX_TYPES = { float32: 1, uint8: 2, int8: 3, int32: 6 };

function varint(n) {
  const out = [];
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return Uint8Array.from(out);
}

const size = (chunks) => chunks.reduce((n, c) => n + c.length, 0);
const field = (number, chunks) => [varint((number << 3) | 2), varint(size(chunks)), ...chunks];
const int = (number, n) => [varint(number << 3), varint(n)];
const str = (number, s) => field(number, [Uint8Array.from(s, (c) => c.charCodeAt(0))]); // ASCII names

function valueInfo(number, name, type, shape) {
  const dims = shape.flatMap((d) => field(1, int(1, d)));
  return field(number, [...str(1, name), ...field(2, field(1, [...int(1, ONNX_TYPES[type]), ...field(2, dims)]))]);
}

function initializer(name, type, shape, data) {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return field(5, [...shape.flatMap((d) => int(1, d)), ...int(2, ONNX_TYPES[type]), ...str(8, name), ...field(9, [raw])]);
}

/**
 * A model with one node. inputs / outputs: [name, type, shape]; initializers: [name, type, shape,
 * typed array]; attributes: { name: integer }; `domain` for contrib operators (com.microsoft).
 */
export function singleOpModel({ op, domain = "", inputs, initializers = [], outputs, attributes = {}, opset = 21 }) {
  const node = field(1, [
    ...[...inputs, ...initializers].flatMap(([name]) => str(1, name)),
    ...outputs.flatMap(([name]) => str(2, name)),
    ...str(3, "node"),
    ...str(4, op),
    ...Object.entries(attributes).flatMap(([name, value]) => field(5, [...str(1, name), ...int(20, 2), ...int(3, value)])),
    ...(domain ? str(7, domain) : []),
  ]);
  const graph = field(7, [
    ...node,
    ...str(2, "graph"),
    ...initializers.flatMap(([name, type, shape, data]) => initializer(name, type, shape, data)),
    ...inputs.flatMap(([name, type, shape]) => valueInfo(11, name, type, shape)),
    ...outputs.flatMap(([name, type, shape]) => valueInfo(12, name, type, shape)),
  ]);
  const opsets = [...field(8, int(2, opset)), ...(domain ? field(8, [...str(1, domain), ...int(2, 1)]) : [])];
  const chunks = [...int(1, 10), ...opsets, ...graph];
  const out = new Uint8Array(size(chunks));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
