// Helpers for the Node-side drivers that start other runtimes.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const sharedDir = join(root, "..", "shared");
export const ci = process.env.CI === "true";

export { serveStatic } from "../../scripts/serve-static.js";

export function pageUrl(origin, runtime) {
  return `${origin}/test/drivers/page.html?runtime=${runtime}${ci ? "&ci=1" : ""}`;
}

export function sharedExists(path) {
  return existsSync(join(sharedDir, path));
}
