// Chromium (Debian's /usr/bin/chromium) through playwright-core.
import { chromium } from "playwright-core";
import { pageUrl, serveStatic } from "./util.js";
import { report } from "../lib/runner.js";

const { server, origin } = await serveStatic();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  page.on("pageerror", (error) => console.log(`page error: ${error.message}`));
  await page.goto(pageUrl(origin, "chromium"));
  const result = await page.evaluate(() => window.qsimdResult);
  for (const f of result.failures) console.log(`FAIL ${f.name}: ${f.message}`);
  report("chromium", result.variant, result);
} finally {
  await browser.close();
  server.close();
}
