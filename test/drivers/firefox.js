// Firefox ESR (Debian's /usr/bin/firefox-esr) through puppeteer-core and WebDriver BiDi.
// `--off relaxed` turns relaxed SIMD off with Firefox's own pref, to test the loader's fallback.
import puppeteer from "puppeteer-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pageUrl, serveStatic } from "./util.js";
import { report } from "../lib/runner.js";

const off = process.argv.includes("--off") ? process.argv[process.argv.indexOf("--off") + 1] : undefined;
const prefs = { relaxed: { "javascript.options.wasm_relaxed_simd": false } }[off];
if (off && !prefs) throw new Error(`--off takes relaxed, not ${off}`);
const runtime = off ? `firefox-no-${off}` : "firefox";

const { server, origin } = await serveStatic();
const profile = mkdtempSync(join(tmpdir(), "qsimd-firefox-"));
const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr",
  headless: true,
  userDataDir: profile,
  extraPrefsFirefox: prefs,
});
try {
  const page = await browser.newPage();
  page.on("pageerror", (error) => console.log(`page error: ${error.message}`));
  await page.goto(pageUrl(origin, runtime));
  const result = await page.evaluate(() => window.qsimdResult);
  for (const f of result.failures) console.log(`FAIL ${f.name}: ${f.message}`);
  report(runtime, result.variant, result);
} finally {
  await browser.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
