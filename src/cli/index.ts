// `npx qsimd COMMAND`: the benchmark (the default), and the GGUF tools.
import { readGguf } from "../entry/node.js";
import { QsimdError } from "../errors.js";
import { bench, BENCH_USAGE } from "./bench.js";
import { formatInspect, inspectReport } from "./inspect.js";
import { DEQUANTIZE_USAGE, dequantizeCommand, EVAL_USAGE, evalCommand, QUANTIZE_USAGE, quantizeCommand } from "./model.js";

const INSPECT_USAGE = "qsimd inspect MODEL.gguf [--json]";
const USAGE = `usage:
  ${BENCH_USAGE}
  ${INSPECT_USAGE}
  ${QUANTIZE_USAGE}
  ${DEQUANTIZE_USAGE}
  ${EVAL_USAGE}`;

async function inspect(args: string[]): Promise<number> {
  const paths = args.filter((a) => a !== "--json");
  if (paths.length !== 1 || args.some((a) => a.startsWith("-") && a !== "--json")) throw new QsimdError("INVALID_ARGUMENT", `usage: ${INSPECT_USAGE}`);
  const file = await readGguf(paths[0]);
  await file.close();
  const report = inspectReport(paths[0], file);
  console.log(args.includes("--json") ? JSON.stringify(report, null, 1) : formatInspect(report));
  return 0;
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  bench, inspect, quantize: quantizeCommand, dequantize: dequantizeCommand, eval: evalCommand,
};

export async function main(args: string[]): Promise<number> {
  if (args[0] === "--help" || args[0] === "-h" || args[0] === "help") return console.log(USAGE), 0;
  const command = COMMANDS[args[0]];
  try {
    return command ? await command(args.slice(1)) : await bench(args);
  } catch (error) {
    if (error instanceof QsimdError) return console.error(`qsimd: ${error.code}: ${error.message}`), error.code === "INVALID_ARGUMENT" && /^usage:/.test(error.message) ? 2 : 1;
    throw error;
  }
}
