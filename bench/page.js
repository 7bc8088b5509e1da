// The benchmark page: runs the shared suite with the browser entry point, shows progress, a table
// and a bar chart of the speed-ups over plain JavaScript, and offers the JSON record for download.
// `?autorun=quick|full&filter=TEXT` starts a run on load (window.qsimdBench holds the record).
import { load } from "../dist/entry/fetch.js";
import { rate } from "./report.js";
import { runSuite } from "./suite.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
let record;

$("device").textContent = `${navigator.userAgent} · ${navigator.hardwareConcurrency ?? "?"} logical CPUs`;

async function run(full) {
  for (const b of ["quick", "full", "download"]) $(b).disabled = true;
  $("status").textContent = "Running…";
  try {
    record = await runSuite({
      load,
      runtime: { name: "browser", version: navigator.userAgent },
      full,
      filter: params.get("filter") ?? undefined,
      onProgress: async ({ done, total, label }) => {
        $("progress").max = total;
        $("progress").value = done;
        $("status").textContent = `${done} / ${total}: ${label}`;
      },
      // Yield to the page between measurements so the progress bar repaints.
      timer: async (fn, ms) => {
        await new Promise((resolve) => setTimeout(resolve, 0));
        const { measure } = await import("./runner.js");
        return measure(fn, { ms });
      },
    });
    render(record);
    $("status").textContent = `Done: ${record.results.length} measurements, builds ${record.builds.join(", ")}.`;
  } catch (error) {
    $("status").textContent = `Failed: ${error?.message ?? error}`;
  } finally {
    for (const b of ["quick", "full", "download"]) $(b).disabled = false;
    $("download").disabled = !record;
    window.qsimdBench = record ?? null;
  }
}

function render(r) {
  const head = ["case", "build", "ms", "rate", "GB/s", "× JS", "of roofline", "spread"];
  const rows = r.results.map((x) => [
    x.case, x.build, x.ms.toFixed(3), rate(x), x.gbs?.toFixed(1) ?? "", x.xJs?.toFixed(1) ?? "",
    x.ofRoofline ? `${Math.round(x.ofRoofline.fraction * 100)}% of ${x.ofRoofline.roofline}` : "",
    `${Math.round(x.spread * 100)}%${x.noisy ? " noisy" : ""}`,
  ]);
  const roof = Object.entries(r.roofline).map(([k, v]) => `${k}: ${v.toFixed(1)} GB/s`).join(" · ");
  $("table").innerHTML = `<p>Roofline — ${roof}</p><table><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>` +
    rows.map((cells, i) => `<tr class="${r.results[i].noisy ? "noisy" : ""}">${cells.map((c, j) => `<td class="${j > 1 ? "n" : ""}">${escape(c)}</td>`).join("")}</tr>`).join("") +
    "</tbody></table>";
  chart(r.results.filter((x) => x.xJs));
}

// One bar per case and build: its speed-up over plain JavaScript, on a log scale.
function chart(bars) {
  const svg = $("chart");
  const rowHeight = 18, label = 420, width = svg.clientWidth || 900;
  const max = Math.log10(Math.max(2, ...bars.map((b) => b.xJs)));
  svg.setAttribute("height", String(bars.length * rowHeight + 10));
  svg.innerHTML = bars.map((b, i) => {
    const w = Math.max(1, ((Math.log10(Math.max(b.xJs, 1)) / max) * (width - label - 60)));
    const y = i * rowHeight + 4;
    return `<text x="0" y="${y + 12}">${escape(`${b.case} · ${b.build}`)}</text>` +
      `<rect x="${label}" y="${y}" width="${w}" height="${rowHeight - 5}" fill="${b.build === "scalar" ? "#9ab" : "#37c"}"></rect>` +
      `<text x="${label + w + 4}" y="${y + 12}">${b.xJs.toFixed(1)}× JS</text>`;
  }).join("");
}

function escape(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

$("quick").onclick = () => run(false);
$("full").onclick = () => run(true);
$("download").onclick = () => {
  const blob = new Blob([JSON.stringify(record, null, 1)], { type: "application/json" });
  const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: `qsimd-bench-${record.date.slice(0, 19)}.json` });
  a.click();
  URL.revokeObjectURL(a.href);
};
if (params.get("autorun")) run(params.get("autorun") === "full");
