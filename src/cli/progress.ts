// A progress bar with ETA on stderr, drawn only on a terminal (logs and pipes get the summary lines).
export class Progress {
  readonly #total: number;
  readonly #label: string;
  readonly #started = Date.now();
  readonly #tty: boolean;
  #drawn = 0;

  constructor(label: string, total: number) {
    this.#label = label;
    this.#total = total;
    this.#tty = !!process.stderr.isTTY;
  }

  /** `done` of `total` units (bytes) finished; `what` is shown beside the bar. */
  update(done: number, what = ""): void {
    const now = Date.now();
    if (!this.#tty || (now - this.#drawn < 100 && done < this.#total)) return;
    this.#drawn = now;
    const fraction = this.#total ? Math.min(1, done / this.#total) : 1;
    const width = 24;
    const filled = Math.round(fraction * width);
    const elapsed = (now - this.#started) / 1000;
    const eta = fraction > 0 && fraction < 1 ? ` ETA ${formatSeconds((elapsed / fraction) * (1 - fraction))}` : "";
    const line = `${this.#label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${formatSeconds(elapsed)}${eta} ${what}`;
    const columns = process.stderr.columns ?? 100;
    process.stderr.write(`\r${line.slice(0, columns - 1).padEnd(columns - 1)}`);
  }

  done(): void {
    if (this.#tty && this.#drawn) process.stderr.write("\n");
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
  return `${n.toFixed(i ? 2 : 0)} ${units[i]}`;
}
