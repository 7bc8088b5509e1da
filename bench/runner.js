// A small portable timing loop (no Node APIs): warm-up, then repeated samples of a batch of calls,
// reported as the median time per call and the spread between the quartiles.

// The clock's step: about 1 ms in workerd (and in browsers that coarsen timers), microseconds elsewhere.
function clockStep() {
  let step = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    let t1 = t0;
    while (t1 === t0) t1 = performance.now();
    step = Math.min(step, t1 - t0);
  }
  return step;
}

// Every result is stored here, so an engine cannot drop a call whose result nobody reads (V8 did,
// inlining a plain-JavaScript loop into the timing loop: 0 ms per call).
export const sink = { value: undefined };

// One batch of calls, in ms.
function timeBatch(fn, batch) {
  const t0 = performance.now();
  let last;
  let sum = 0;
  for (let i = 0; i < batch; i++) {
    last = fn();
    if (typeof last === "number") sum += last; // every numeric result feeds the sink
  }
  const t = performance.now() - t0;
  sink.value = typeof last === "number" ? sum : last;
  return t;
}

export function measure(fn, { ms = 400, minSamples = 7 } = {}) {
  // Warm-up: let the engine tier up, and find a batch size whose time is long against the clock's
  // step (at least 5 ms, and 50 steps), so a coarse clock costs at most ~2%.
  const target = Math.max(5, 50 * clockStep());
  ms = Math.max(ms, 3 * target);
  let batch = 1;
  for (;;) {
    const t = timeBatch(fn, batch);
    // A pause (garbage collection, a tier-up) can make one small batch look long, and then every
    // sample of that batch would read the coarse clock as 0: a second timing has to agree.
    if ((t >= target && timeBatch(fn, batch) >= target / 2) || batch >= 1 << 20) break;
    batch *= t < 0.5 ? 8 : 2;
  }
  const samples = [];
  const start = performance.now();
  while (samples.length < minSamples || performance.now() - start < ms) {
    samples.push(timeBatch(fn, batch) / batch);
    if (samples.length > 1000) break;
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  const median = at(0.5);
  const spread = (at(0.75) - at(0.25)) / median;
  return { ms: median, spread, samples: samples.length, noisy: spread > 0.1 };
}
