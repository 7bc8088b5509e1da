import type { Context } from "./context.js";
import { QsimdError } from "./errors.js";
import { withOperands } from "./operands.js";

const MAX_BATCH = 2 ** 22;

export function bandwidthApi(ctx: Context) {
  return {
    /**
     * The memory roofline of this device's WebAssembly: GB/s reading, writing or copying (`mode`) a
     * buffer of `byteLength` bytes in this instance's memory, the best of repeated passes over about
     * `ms` milliseconds. Larger than the caches, it is the DRAM bandwidth a kernel can hope for:
     * reading for products, writing for dequantizers (their floats outweigh the blocks they read).
     */
    measureBandwidth(byteLength: number, { mode = "read", ms = 200 }: { mode?: "read" | "write" | "copy"; ms?: number } = {}): number {
      if (!Number.isSafeInteger(byteLength) || byteLength < 64 || byteLength > 2 ** 30) {
        throw new QsimdError("INVALID_ARGUMENT", `byteLength must be an integer from 64 to 2^30, got ${byteLength}`);
      }
      if (mode !== "read" && mode !== "write" && mode !== "copy") {
        throw new QsimdError("INVALID_ARGUMENT", `mode must be "read", "write" or "copy", got ${String(mode)}`);
      }
      const bytes = byteLength & ~63;
      const copy = mode === "copy";
      return withOperands(ctx, (ops) => {
        const src = ops.alloc(bytes);
        const dst = copy ? ops.alloc(bytes) : 0;
        ctx.memory.of(Uint8Array).fill(1, src, src + bytes); // touch every page before timing
        let sink = 0;
        const run = (passes: number): number => {
          const t0 = performance.now();
          for (let pass = 0; pass < passes; pass++) {
            if (copy) ctx.e.copyBytes(dst, src, bytes);
            else if (mode === "write") ctx.e.writeBytes(src, bytes, pass);
            else sink ^= ctx.e.readBytes(src, bytes);
          }
          return performance.now() - t0;
        };
        // Passes are timed in batches of at least 5 ms: some timers tick by a millisecond (Firefox).
        // The first call may include compiling the kernel, so a batch that later reads under half
        // that is doubled and its rounds start again; without it a batch can read as 0 ms.
        run(1);
        let batch = 1;
        while (batch < MAX_BATCH && run(batch) < 5) batch *= 2;
        let best = Infinity, rounds = 0;
        const start = performance.now();
        while (rounds < 3 || performance.now() - start < ms) {
          const t = run(batch);
          if (t < 2.5 && batch < MAX_BATCH) {
            batch *= 2;
            best = Infinity;
            rounds = 0;
          } else {
            if (t > 0) best = Math.min(best, t / batch);
            rounds++;
          }
        }
        if (best === Infinity) throw new QsimdError("UNSUPPORTED_OPERATION", "this runtime's timer cannot time a pass");
        if (sink === 0.5) throw new Error("unreachable"); // keeps the checksum alive
        // A copy moves each byte twice (read and write).
        return ((copy ? 2 : 1) * bytes) / (best * 1e6);
      });
    },
  };
}
