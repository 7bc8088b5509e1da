// Serves a worker with workerd on 127.0.0.1 for the test and benchmark drivers: writes a config
// that embeds the given modules, starts workerd, waits until it answers, and stops it on request.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import workerd from "workerd";

export const root = fileURLToPath(new URL("../", import.meta.url));

/** Files under `folder` (relative to the repository) whose names end with one of `suffixes`. */
export function files(folder, suffixes) {
  return readdirSync(join(root, folder), { recursive: true })
    .map((name) => join(folder, name))
    .filter((name) => suffixes.some((s) => name.endsWith(s)) && statSync(join(root, name)).isFile());
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * modules: [{ name, path, type }] with type "esModule" | "wasm" | "data" | "text"; the first is
 * the main module. `generated`: [{ name, text }] extra ES modules written on the fly.
 */
export async function serveWorker(modules, generated = []) {
  const dir = mkdtempSync(join(tmpdir(), "qsimd-workerd-"));
  const port = await freePort();
  const embed = (file) => JSON.stringify(relative(dir, file)); // capnp embeds are relative to the config
  const entries = [...modules];
  for (const [i, g] of generated.entries()) {
    const path = join(dir, `generated-${i}.js`);
    writeFileSync(path, g.text);
    entries.push({ name: g.name, path, type: "esModule" });
  }
  writeFileSync(join(dir, "config.capnp"), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    ${entries.map((m) => `(name = ${JSON.stringify(m.name)}, ${m.type} = embed ${embed(m.path)})`).join(",\n    ")}
  ],
  compatibilityDate = "${workerd.compatibilityDate}",
);
`);
  const child = spawn(workerd.default, ["serve", join(dir, "config.capnp")], { stdio: ["ignore", "inherit", "inherit"] });
  let exited = false;
  child.on("exit", () => (exited = true));
  const stop = () => {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}/`;
  for (let attempt = 0; ; attempt++) {
    if (exited || attempt > 300) {
      stop();
      throw new Error(exited ? "workerd exited before serving" : "workerd did not start listening within 30 s");
    }
    if (await fetch(url, { method: "HEAD" }).then(() => true, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, stop };
}

/** The benchmark modules that run in any runtime (no Node APIs): the page, workerd and the tests use them. */
export const portableBenchFiles = ["suite.js", "cases.js", "data.js", "runner.js", "baselines.js", "report.js"];

/** The package's built modules, as workerd module entries. */
export function packageModules() {
  return [
    ...files("dist", [".js"]).map((name) => ({ name, path: join(root, name), type: "esModule" })),
    ...files("dist/wasm", [".wasm"]).map((name) => ({ name, path: join(root, name), type: "wasm" })),
  ];
}
