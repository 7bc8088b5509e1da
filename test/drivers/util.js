// Helpers for the Node-side drivers that start other runtimes.
import { existsSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const sharedDir = join(root, "..", "shared");
export const ci = process.env.CI === "true";

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".wasm": "application/wasm" };

/** Serves the repository at / and ../shared at /shared/, on 127.0.0.1 only. */
export async function serveStatic() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = path.startsWith("/shared/") ? join(sharedDir, normalize(path.slice(8))) : join(root, normalize(path));
    if (!file.startsWith(root) && !file.startsWith(sharedDir)) return res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

export function pageUrl(origin, runtime) {
  return `${origin}/test/drivers/page.html?runtime=${runtime}${ci ? "&ci=1" : ""}`;
}

export function sharedExists(path) {
  return existsSync(join(sharedDir, path));
}
