// Command-line flags: `--name value` pairs (repeatable ones collected), booleans, and positionals.
import { QsimdError } from "../errors.js";

export interface Parsed {
  positional: string[];
  values: Map<string, string[]>;
  flags: Set<string>;
}

export function parseArgs(args: string[], takesValue: readonly string[], booleans: readonly string[]): Parsed {
  const out: Parsed = { positional: [], values: new Map(), flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [name, inline] = a.startsWith("--") && a.includes("=") && takesValue.includes(a.slice(0, a.indexOf("="))) ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    if (takesValue.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new QsimdError("INVALID_ARGUMENT", `${name} needs a value`);
      out.values.set(name, [...(out.values.get(name) ?? []), value]);
    } else if (booleans.includes(a)) out.flags.add(a);
    else if (a.startsWith("-") && a !== "-") throw new QsimdError("INVALID_ARGUMENT", `unknown option ${a}`);
    else out.positional.push(a);
  }
  return out;
}

export const one = (p: Parsed, name: string): string | undefined => p.values.get(name)?.at(-1);
