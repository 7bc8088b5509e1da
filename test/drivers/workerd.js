// workerd (Cloudflare's runtime): serves a worker that embeds the package, the suites and the shared
// fixtures on 127.0.0.1, asks it to run the suites and prints the result.
import { join } from "node:path";
import { files, packageModules, portableBenchFiles, root, serveWorker } from "../../scripts/workerd-serve.js";
import { sharedFiles } from "../suites/shared-files.js";
import { report } from "../lib/runner.js";
import { ci, sharedDir, sharedExists } from "./util.js";

const present = sharedFiles.filter((f) => sharedExists(f.path));
const fixtures =
  present.map((f, i) => `import f${i} from "../../shared/${f.path}";`).join("\n") +
  `\nexport const fixtures = { ${present.map((f, i) => `${JSON.stringify(f.path)}: f${i}`).join(", ")} };\nexport const ci = ${ci};\n`;

const es = (name) => ({ name, path: join(root, name), type: "esModule" });
const { url, stop } = await serveWorker([
  es("test/drivers/workerd-worker.js"),
  ...packageModules(),
  ...[...files("test/lib", [".js"]), ...files("test/suites", [".js"])].map(es),
  ...portableBenchFiles.map((f) => es(`bench/${f}`)),
  ...present.map((f) => ({ name: `shared/${f.path}`, path: join(sharedDir, f.path), type: f.kind === "text" ? "text" : "data" })),
], [{ name: "test/drivers/workerd-fixtures.js", text: fixtures }]);
try {
  const result = await (await fetch(url)).json();
  for (const f of result.failures) console.log(`FAIL ${f.name}: ${f.message}`);
  report("workerd", result.variant, result);
} finally {
  stop();
}
