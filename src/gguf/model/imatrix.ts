// llama.cpp's importance-matrix files, as llama-imatrix writes them: the GGUF form (per tensor,
// `NAME.in_sum2` sums of squared activations and `NAME.counts`, one per expert) and the legacy
// `.dat` form (per tensor: name, call count, mean squared activations times calls). Both give what
// llama-quantize passes on: per tensor, one weight per column (per expert).
import { QsimdError } from "../../errors.js";
import { MAGIC } from "../file/header.js";
import { type GgufFile, readGgufWith } from "../file/read.js";
import { decodeUtf8 } from "../file/utf8.js";

export interface Imatrix {
  /** Tensor name -> weights (row length x experts). */
  entries: Map<string, Float32Array>;
  datasets: string[];
  /** Chunks of text it was computed on. */
  chunks: number;
}

const bad = (offset: number, message: string) => new QsimdError("MALFORMED", `imatrix byte ${offset}: ${message}`, { offset });

/** An importance matrix from the bytes of either kind of file. */
export async function readImatrix(bytes: Uint8Array): Promise<Imatrix> {
  const imatrix = bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === MAGIC
    ? await fromGguf(await readGgufWith(undefined, bytes))
    : fromLegacy(bytes);
  for (const [name, values] of imatrix.entries) {
    const i = values.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new QsimdError("INVALID_ARGUMENT", `the imatrix entry for ${name} holds ${values[i]} at ${i} (llama-quantize refuses non-finite weights)`);
  }
  return imatrix;
}

async function fromGguf(file: GgufFile): Promise<Imatrix> {
  for (const key of ["imatrix.datasets", "imatrix.chunk_count", "imatrix.chunk_size"]) {
    if (!(key in file.metadata)) throw new QsimdError("MALFORMED", `the GGUF imatrix has no ${key}: not an importance-matrix file`);
  }
  const pairs = new Map<string, { sums?: (typeof file.tensors)[number]; counts?: (typeof file.tensors)[number] }>();
  for (const t of file.tensors) {
    const m = /^(.*)\.(in_sum2|counts)$/.exec(t.name);
    if (!m) continue;
    const pair = pairs.get(m[1]) ?? {};
    pair[m[2] === "in_sum2" ? "sums" : "counts"] = t;
    pairs.set(m[1], pair);
  }
  const entries = new Map<string, Float32Array>();
  for (const [name, { sums, counts }] of [...pairs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!sums || !counts) throw new QsimdError("MALFORMED", `the imatrix has ${sums ? "sums" : "counts"} but no ${sums ? "counts" : "sums"} for ${name}`);
    if (sums.type !== "F32" || counts.type !== "F32") throw new QsimdError("MALFORMED", `the imatrix tensors of ${name} must be F32`);
    const columns = sums.shape[0];
    const matrices = sums.byteLength / 4 / Math.max(1, columns);
    if (counts.byteLength / 4 !== matrices) throw new QsimdError("MALFORMED", `${name}: ${matrices} sum rows but ${counts.byteLength / 4} counts`);
    const s = floats(await file.read(sums));
    const c = floats(await file.read(counts));
    const out = new Float32Array(s.length);
    for (let j = 0; j < matrices; j++) {
      // A matrix that saw no input (an expert never routed to) gets weights of 1, as llama.cpp does.
      for (let i = 0; i < columns; i++) out[j * columns + i] = c[j] > 0 ? s[j * columns + i] / c[j] : 1;
    }
    entries.set(name, out);
  }
  if (!entries.size) throw new QsimdError("MALFORMED", "the GGUF imatrix holds no entries");
  const datasets = file.metadata["imatrix.datasets"];
  return { entries, datasets: Array.isArray(datasets) ? datasets.map(String) : [], chunks: Number(file.metadata["imatrix.chunk_count"]) };
}

function floats(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.byteOffset % 4 ? bytes.slice().buffer : bytes.buffer, bytes.byteOffset % 4 ? 0 : bytes.byteOffset, bytes.length / 4);
}

function fromLegacy(bytes: Uint8Array): Imatrix {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const i32 = (what: string) => {
    if (at + 4 > bytes.length) throw bad(at, `the file ends inside ${what}`);
    at += 4;
    return view.getInt32(at - 4, true);
  };
  const n = i32("the entry count");
  if (n < 1) throw bad(0, `${n} entries: not an importance-matrix file (neither GGUF nor llama.cpp's legacy .dat form)`);
  if (n * 16 > bytes.length) throw bad(0, `${n} entries cannot fit in ${bytes.length} bytes: not an importance-matrix file`);
  const entries = new Map<string, Float32Array>();
  for (let e = 0; e < n; e++) {
    const start = at;
    const length = i32(`the name length of entry ${e}`);
    if (length < 1 || at + length > bytes.length) throw bad(start, `entry ${e} has a name of ${length} bytes`);
    const name = decodeUtf8(bytes.subarray(at, at + length));
    at += length;
    const calls = i32(`the call count of ${name}`);
    const values = i32(`the value count of ${name}`);
    if (values < 1 || at + values * 4 > bytes.length) throw bad(at - 4, `${name} claims ${values} values`);
    const out = new Float32Array(values);
    for (let i = 0; i < values; i++, at += 4) out[i] = view.getFloat32(at, true) / (calls > 0 ? calls : 1);
    entries.set(name, out);
  }
  // Newer legacy files end with the chunk count and the dataset's name.
  let chunks = 0;
  const datasets: string[] = [];
  if (at + 8 <= bytes.length) {
    chunks = i32("the chunk count");
    const length = i32("the dataset name length");
    if (length >= 0 && at + length <= bytes.length) datasets.push(decodeUtf8(bytes.subarray(at, at + length)));
  }
  return { entries, datasets, chunks };
}
