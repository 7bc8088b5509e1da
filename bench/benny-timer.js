// The Node timer: benny (benchmark.js underneath) times each function; the suite reads back the
// median seconds per call and the spread between the sample quartiles, like the portable timer.
import b from "benny";

export const bennyName = "benny (benchmark.js): median of samples";

export async function bennyTimer(fn, ms, label = "case") {
  const seconds = Math.max(ms, 50) / 1000;
  const summary = await b.suite(label, b.add(label, fn, { minSamples: 5, maxTime: seconds, minTime: Math.min(0.05, seconds / 5) }));
  const { details, samples } = summary.results[0];
  const sorted = [...details.sampleResults].sort((x, y) => x - y);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { ms: details.median * 1000, spread: (at(0.75) - at(0.25)) / details.median, samples };
}
