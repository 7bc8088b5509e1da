// A static file server on 127.0.0.1 for the browser tests and the benchmark page: the repository at
// /, and ../shared at /shared/ (the tests' oracles).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const sharedDir = join(root, "..", "shared");
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".wasm": "application/wasm", ".css": "text/css" };

export async function serveStatic(port = 0) {
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
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

// `node scripts/serve-static.js [port]` (npm run bench:page): serve until stopped.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { origin } = await serveStatic(Number(process.argv[2] ?? 8080));
  console.log(`benchmark page: ${origin}/bench/page.html  (Ctrl-C stops the server)`);
}
