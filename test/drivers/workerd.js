// workerd (Cloudflare's runtime): writes a config that embeds the worker, the package and the
// shared fixtures, serves it on 127.0.0.1, asks it to run the suites and prints the result.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import workerd from "workerd";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { sharedFiles } from "../suites/shared-files.js";
import { ci, freePort, root, sharedDir, sharedExists } from "./util.js";
import { report } from "../lib/runner.js";

const dir = mkdtempSync(join(tmpdir(), "qsimd-workerd-"));
const port = await freePort();

function files(folder, suffixes) {
  return readdirSync(join(root, folder), { recursive: true })
    .map((name) => join(folder, name))
    .filter((name) => suffixes.some((s) => name.endsWith(s)) && statSync(join(root, name)).isFile());
}

// capnp embeds paths relative to the config file.
const embed = (file) => JSON.stringify(relative(dir, file));

const present = sharedFiles.filter((f) => sharedExists(f.path));
const fixturesJs =
  present.map((f, i) => `import f${i} from "../../shared/${f.path}";`).join("\n") +
  `\nexport const fixtures = { ${present.map((f, i) => `${JSON.stringify(f.path)}: f${i}`).join(", ")} };\nexport const ci = ${ci};\n`;
writeFileSync(join(dir, "fixtures.js"), fixturesJs);

const modules = [
  `(name = "test/drivers/workerd-worker.js", esModule = embed ${embed(join(root, "test/drivers/workerd-worker.js"))})`,
  `(name = "test/drivers/workerd-fixtures.js", esModule = embed ${embed(join(dir, "fixtures.js"))})`,
  ...[...files("dist", [".js"]), ...files("test/lib", [".js"]), ...files("test/suites", [".js"])]
    .map((name) => `(name = ${JSON.stringify(name)}, esModule = embed ${embed(join(root, name))})`),
  ...files("dist/wasm", [".wasm"]).map((name) => `(name = ${JSON.stringify(name)}, wasm = embed ${embed(join(root, name))})`),
  ...present.map((f) => `(name = ${JSON.stringify(`shared/${f.path}`)}, ${f.kind === "text" ? "text" : "data"} = embed ${embed(join(sharedDir, f.path))})`),
];
writeFileSync(join(dir, "config.capnp"), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    ${modules.join(",\n    ")}
  ],
  compatibilityDate = "${workerd.compatibilityDate}",
);
`);

const child = spawn(workerd.default, ["serve", join(dir, "config.capnp")], { stdio: ["ignore", "inherit", "inherit"] });
let exited = false;
child.on("exit", () => (exited = true));
try {
  let response;
  for (let attempt = 0; !response; attempt++) {
    if (exited) throw new Error("workerd exited before serving");
    if (attempt > 300) throw new Error("workerd did not start listening within 30 s");
    response = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
    if (!response) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const result = await response.json();
  for (const f of result.failures) console.log(`FAIL ${f.name}: ${f.message}`);
  report("workerd", result.variant, result);
} finally {
  child.kill();
  rmSync(dir, { recursive: true, force: true });
}
