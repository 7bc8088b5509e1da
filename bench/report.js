// Text tables of a benchmark record, and of two records side by side. No Node APIs.

export function rate(r) {
  if (r.gmacs !== undefined) return `${r.gmacs.toFixed(2)} G MAC/s`;
  if (r.gelements !== undefined) return `${r.gelements.toFixed(2)} G elem/s`;
  return "";
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? "").length)));
  const line = (cells) => cells.map((c, i) => String(c ?? "").padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function describe(record) {
  const r = record.runtime ?? {};
  return `${r.name ?? "?"} ${r.version ?? ""}${record.device?.userAgent ? ` (${record.device.userAgent})` : ""}, ${record.device?.cpus ?? "?"} CPUs, builds ${record.builds.join(", ")}, ${record.suite} suite, ${record.date}`;
}

export function formatRecord(record) {
  const roof = Object.entries(record.roofline).map(([name, gbs]) => `${name} ${gbs.toFixed(1)} GB/s`).join(", ");
  const rows = record.results.map((r) => [
    r.case, r.build, r.ms.toFixed(3), rate(r), r.gbs?.toFixed(1) ?? "", r.xJs?.toFixed(1) ?? "", r.xPeer?.toFixed(2) ?? "",
    r.ofRoofline ? `${Math.round(r.ofRoofline.fraction * 100)}% of ${r.ofRoofline.roofline}` : "",
    r.samples ? `${Math.round(r.spread * 100)}%${r.noisy ? " noisy" : ""}` : "",
  ]);
  const peer = record.peer ? `\npeer: ${record.peer}; "x peer" is the peer's kernel time (its own profiler) over ours` : "";
  return `${describe(record)}\nroofline: ${roof}\ntimer: ${record.timer}${peer}\n\n` +
    table(["case", "build", "ms", "rate", "GB/s", "x JS", "x peer", "of roofline", "spread"], rows);
}

/** Two records side by side: each case and build, the time in both, and b's speed relative to a. */
export function formatComparison(a, b) {
  const key = (r) => `${r.case}\u0000${r.build}`;
  const other = new Map(b.results.map((r) => [key(r), r]));
  const rows = a.results.filter((r) => other.has(key(r))).map((r) => {
    const s = other.get(key(r));
    return [r.case, r.build, r.ms.toFixed(3), s.ms.toFixed(3), `${(r.ms / s.ms).toFixed(2)}x`];
  });
  return `a: ${describe(a)}\nb: ${describe(b)}\n\n` + table(["case", "build", "a ms", "b ms", "b vs a"], rows);
}
