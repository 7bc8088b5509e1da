// qsimd inspect MODEL.gguf: metadata (long values summarized), a tensor table, totals.
import type { GgufFile } from "../gguf/file/read.js";
import type { GgufValue } from "../gguf/file/values.js";
import { formatBytes } from "./progress.js";
import { table } from "./table.js";

const LONG = 8;

/** A value as one short line: arrays give their length and first items, long strings their length. */
export function summarize(value: GgufValue): string {
  if (typeof value === "string") {
    const flat = JSON.stringify(value);
    return flat.length > 80 ? `${flat.slice(0, 72)}…" (${value.length} chars)` : flat;
  }
  if (typeof value === "bigint") return `${value}n`;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.from(value as ArrayLike<GgufValue>);
    const shown = items.slice(0, LONG).map((v) => (Array.isArray(v) || ArrayBuffer.isView(v) ? `[${(v as ArrayLike<unknown>).length}]` : summarize(v).slice(0, 24)));
    return `[${shown.join(", ")}${items.length > LONG ? `, … ${items.length} items` : ""}]`;
  }
  return String(value);
}

export function inspectReport(path: string, file: GgufFile) {
  const elements = (t: { shape: number[] }) => t.shape.reduce((p, d) => p * d, 1);
  const weights = file.tensors.reduce((n, t) => n + elements(t), 0);
  const bytes = file.tensors.reduce((n, t) => n + t.byteLength, 0);
  const byType: Record<string, number> = {};
  for (const t of file.tensors) byType[t.type] = (byType[t.type] ?? 0) + 1;
  return {
    file: path,
    version: file.version,
    alignment: file.alignment,
    dataOffset: file.dataOffset,
    byteLength: file.byteLength,
    metadata: Object.entries(file.metadata).map(([key, value]) => ({ key, type: file.types[key], value: summarize(value) })),
    tensors: file.tensors.map((t) => ({ name: t.name, type: t.type, shape: t.shape, bytes: t.byteLength, bitsPerWeight: elements(t) ? (t.byteLength * 8) / elements(t) : 0 })),
    totals: { tensors: file.tensors.length, weights, bytes, bitsPerWeight: weights ? (bytes * 8) / weights : 0, byType },
  };
}

export function formatInspect(r: ReturnType<typeof inspectReport>): string {
  const out = [`${r.file}: GGUF v${r.version}, ${r.metadata.length} metadata keys, ${r.totals.tensors} tensors, alignment ${r.alignment}, data at byte ${r.dataOffset}`, ""];
  out.push(table(["key", "type", "value"], r.metadata.map((m) => [m.key, m.type, m.value])), "");
  if (r.tensors.length) {
    out.push(table(["tensor", "type", "shape", "bytes", "bits/weight"], r.tensors.map((t) => [t.name, t.type, t.shape.join(" x "), t.bytes, t.bitsPerWeight.toFixed(2)])), "");
  }
  const types = Object.entries(r.totals.byType).map(([t, n]) => `${n} ${t}`).join(", ");
  out.push(`total: ${r.totals.weights.toLocaleString("en-US")} weights in ${formatBytes(r.totals.bytes)} (${r.totals.bitsPerWeight.toFixed(2)} bits/weight)${types ? `; ${types}` : ""}`);
  return out.join("\n");
}
