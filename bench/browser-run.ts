// npm run bench:browser: bundles bench/browser.ts, serves it on 127.0.0.1, runs it in
// Debian's Chromium through Playwright, prints the tables, writes bench/results.json.
import { createServer } from "node:http";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, extname } from "node:path";
import * as esbuild from "esbuild";
import { chromium } from "playwright";
import { table, ms, ratio } from "./harness.ts";
import { CHROMIUM_FLAGS, STACK_FLAGS, glStack } from "../test/glStacks.ts";

const stack = glStack();
if (stack === "softpipe") throw new Error("the browser benchmark runs in Chromium: GL_STACK=swiftshader, llvmpipe or lavapipe");

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "bench", ".out");
mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: [join(root, "bench", "browser.ts")], outfile: join(out, "browser.js"), bundle: true, format: "esm",
  platform: "browser", mainFields: ["module", "main"], logLevel: "warning",
  // TF.js's wasm backend mentions Node modules it only loads in Node.
  external: ["fs", "path", "worker_threads", "perf_hooks", "os", "crypto"],
});
writeFileSync(join(out, "index.html"), '<!doctype html><meta charset="utf-8"><script type="module" src="browser.js"></script>');
const wasmDir = join(root, "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist");
const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
const server = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  if (url.pathname === "/favicon.ico") {
    response.writeHead(204).end();
    return;
  }
  const file = url.pathname.startsWith("/tfjs-wasm/") ? join(wasmDir, url.pathname.slice(11))
    : join(out, url.pathname === "/" ? "index.html" : url.pathname.slice(1));
  if (!file.startsWith(out) && !file.startsWith(wasmDir) || !existsSync(file)) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as { port: number }).port;

const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const browser = await chromium.launch({
  executablePath, headless: true,
  args: [...CHROMIUM_FLAGS, ...STACK_FLAGS[stack]],
});
try {
  const page = await browser.newPage();
  page.on("console", (m) => m.type() === "error" && console.error(`page: ${m.text()}`));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => "benchResult" in window || "benchError" in window, null, { timeout: 1_800_000 });
  const error = await page.evaluate(() => (window as { benchError?: string }).benchError);
  if (error) throw new Error(`the benchmark failed in the page: ${error}`);
  const result = await page.evaluate(() => (window as unknown as { benchResult: any }).benchResult);
  console.log(`Chromium, WebGL2 renderer: ${result.renderer}\n`);
  console.log("Graves update, ms per step (medians of interleaved rounds)\n");
  const rows = [["params", "webgl2", "webgl2 fast", "texture copy", "TF.js webgl", "wasm-simd", "TF.js wasm",
    "webgl2 vs TF.js webgl", "strict / fast", "webgl2 / copy", "simd vs TF.js wasm"]];
  for (const [size, t] of Object.entries(result.update) as [string, Record<string, number>][]) {
    const n = Number(size);
    rows.push([n >= 1 << 20 ? `${n / (1 << 20)}M` : `${n / 1024}K`, ms(t.webgl2), ms(t["webgl2 fast"]), ms(t["copy floor"]),
      ms(t["TF.js webgl"]), ms(t["wasm-simd"]), ms(t["TF.js wasm"]), ratio(t["TF.js webgl"], t.webgl2),
      ratio(t.webgl2, t["webgl2 fast"]), ratio(t.webgl2, t["copy floor"]), ratio(t["TF.js wasm"], t["wasm-simd"])]);
  }
  console.log(table(rows));
  console.log("\nOne training step, ms\n");
  const stepRows = [["net", "webgl2", "webgl2 fast", "TF.js webgl", "wasm-simd", "TF.js wasm", "TF.js webgl / webgl2",
    "strict / fast", "TF.js wasm / simd"]];
  for (const [name, t] of Object.entries(result.training) as [string, Record<string, number>][]) {
    stepRows.push([name, ms(t.webgl2), ms(t["webgl2 fast"]), ms(t["TF.js webgl"]), ms(t["wasm-simd"]), ms(t["TF.js wasm"]),
      ratio(t["TF.js webgl"], t.webgl2), ratio(t.webgl2, t["webgl2 fast"]), ratio(t["TF.js wasm"], t["wasm-simd"])]);
  }
  console.log(table(stepRows));
  const file = join(root, "bench", "results.json");
  const previous = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  writeFileSync(file, JSON.stringify({ ...previous, [`browser-${stack}`]: result }, null, 2) + "\n");
  console.log("\nwritten to bench/results.json");
} finally {
  await browser.close();
  server.close();
}
