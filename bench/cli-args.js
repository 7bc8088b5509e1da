// The options every benchmark command takes: --full, --filter TEXT, --variant NAME, --json FILE.
export function parseArgs(args) {
  const options = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--full") options.full = true;
    else if (args[i] === "--filter") options.filter = args[++i];
    else if (args[i] === "--variant") options.variant = args[++i];
    else if (args[i] === "--json") options.json = args[++i];
    else throw new Error(`unknown argument ${args[i]}; use --full, --filter TEXT, --variant NAME, --json FILE`);
  }
  return options;
}
