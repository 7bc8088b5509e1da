// Runs the cases in every build the host supports, with their plain-JavaScript baselines and the
// memory rooflines, and returns one JSON record (schema "qsimd-bench/1") the same in every runtime.
// No Node APIs: the page, Deno, Bun and workerd run this very file.
import { cases, rooflines } from "./cases.js";
import { measure } from "./runner.js";

export const SCHEMA = "qsimd-bench/1";

/**
 * options: load (the runtime's entry point), runtime ({ name, version }), full, filter, variant
 * (one build only), ms (time per measurement), timer (async (fn, ms, label) => { ms, spread, samples }; default
 * the portable one), onProgress ({ done, total, label }), peer ({ name, has(caseName), time(caseName) ->
 * { kernelMs, wallMs } }: another library timed on the same kind of data, for the "x peer" ratios).
 */
export async function runSuite(options) {
  const { load, runtime, full = false, filter, variant, ms = full ? 500 : 200, onProgress = () => {} } = options;
  const timer = options.timer ?? (async (fn, time) => measure(fn, { ms: time }));
  const time = (fn, label) => timer(fn, ms, label);
  const best = await load();
  const runnable = ["scalar", ...(best.features.simd ? ["simd"] : []), ...(best.features.relaxedSimd ? ["relaxed"] : [])];
  const builds = variant ? [variant] : runnable;
  const instances = await Promise.all(builds.map((v) => load({ variant: v })));
  const selected = cases.filter((c) => (full || c.quick) && (!filter || c.name.toLowerCase().includes(filter.toLowerCase())));
  const roofs = rooflines.filter((r) => full || r.quick);
  const total = roofs.length + selected.length * (builds.length + 1);
  let done = 0;
  const step = (label) => onProgress({ done: ++done, total, label });

  const record = {
    schema: SCHEMA,
    date: new Date().toISOString(),
    runtime,
    device: {
      userAgent: globalThis.navigator?.userAgent,
      cpus: globalThis.navigator?.hardwareConcurrency ?? options.cpus,
    },
    features: best.features,
    builds,
    suite: full ? "full" : "quick",
    timer: options.timerName ?? "portable: median of repeated batches",
    roofline: {},
    results: [],
  };

  const roofBuild = instances[instances.length - 1];
  for (const r of roofs) {
    record.roofline[r.name] = round(roofBuild.measureBandwidth(r.bytes, { mode: r.mode, ms: Math.max(ms, 100) }), 3);
    step(`roofline ${r.name}`);
  }

  if (options.peer) record.peer = options.peer.name;
  for (const c of selected) {
    let jsMs;
    let peerMs;
    if (options.peer?.has(c.name)) {
      const p = await options.peer.time(c.name);
      peerMs = p.kernelMs ?? p.wallMs;
      for (const [kind, ms] of [["kernel", p.kernelMs], ["wall", p.wallMs]]) {
        if (ms !== undefined) record.results.push(entry(c, `${options.peer.name} (${kind})`, { ms, spread: 0, samples: 0 }, record.roofline));
      }
    }
    for (const q of instances) {
      const made = c.make(q);
      try {
        if (made.js && jsMs === undefined) {
          const js = await time(made.js, `${c.name}: plain JS`);
          jsMs = js.ms;
          record.results.push(entry(c, "plain JS", js, record.roofline));
          step(`${c.name}: plain JS`);
        }
        const t = await time(made.qsimd, `${c.name}: ${q.variant}`);
        record.results.push({
          ...entry(c, q.variant, t, record.roofline),
          xJs: jsMs ? round(jsMs / t.ms, 2) : undefined,
          xPeer: peerMs ? round(peerMs / t.ms, 2) : undefined,
        });
        step(`${c.name}: ${q.variant}`);
      } finally {
        made.free?.();
      }
    }
    if (jsMs === undefined) step(`${c.name}: no baseline`);
  }
  return record;
}

function entry(c, build, t, roofline) {
  const perSecond = (units) => units / (t.ms / 1000);
  const w = c.work;
  const e = { case: c.name, group: c.group, build, ms: round(t.ms, 5), spread: round(t.spread, 3), samples: t.samples, noisy: t.spread > 0.1 };
  if (w.macs) e.gmacs = round(perSecond(w.macs) / 1e9, 3);
  if (w.elements) e.gelements = round(perSecond(w.elements) / 1e9, 3);
  if (w.bytes) {
    e.gbs = round(perSecond(w.bytes) / 1e9, 3);
    if (c.roofline && roofline[c.roofline]) e.ofRoofline = { roofline: c.roofline, fraction: round(e.gbs / roofline[c.roofline], 3) };
  }
  return e;
}

function round(v, digits) {
  const p = 10 ** digits;
  return Math.round(v * p) / p;
}
