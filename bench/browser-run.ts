// npm run bench:browser: bundles bench/browser.ts, serves it on 127.0.0.1, runs it in
// Debian's Chromium through Playwright (once as a plain page, once cross-origin
// isolated, with threads, and once on WebGPU where the stack has an adapter), prints the
// tables, writes bench/results.json. `npm run bench:browser -- webgpu` (or plain, isolated)
// runs only those pages.
import { createServer } from "node:http";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, extname } from "node:path";
import * as esbuild from "esbuild";
import { chromium } from "playwright";
import { table, ms, ratio, weightsDiff } from "./harness.ts";
import { CHROMIUM_FLAGS, STACK_FLAGS, glStack } from "../test/glStacks.ts";

const stack = glStack();
if (stack === "softpipe") throw new Error("the browser benchmark runs in Chromium: GL_STACK=swiftshader, llvmpipe or lavapipe");
const PAGES = ["plain", "isolated", "webgpu"];
const pages = process.argv.slice(2).length ? process.argv.slice(2) : stack === "llvmpipe" ? PAGES.slice(0, 2) : PAGES;
for (const page of pages) {
  if (!PAGES.includes(page)) throw new Error(`bench:browser runs the pages ${PAGES.join(", ")}; "${page}" is none of them`);
}
if (stack === "llvmpipe" && pages.includes("webgpu")) {
  throw new Error("Chromium has no WebGPU adapter on GL_STACK=llvmpipe: run the webgpu page on swiftshader or lavapipe");
}
/** Medians by contender; `work` names the rows of one table. */
type Times = Record<string, Record<string, number>>;
const paramsName = (size: string) => Number(size) >= 1 << 20 ? `${Number(size) / (1 << 20)}M` : `${Number(size) / 1024}K`;

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
  // ?isolated: the page is cross-origin isolated, so WebAssembly threads are on (ours and TF.js's).
  const isolation = url.search === "?isolated" || request.headers.referer?.endsWith("?isolated")
    ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" } : {};
  response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", ...isolation })
    .end(readFileSync(file));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as { port: number }).port;

const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const browser = await chromium.launch({
  executablePath, headless: true,
  args: [...CHROMIUM_FLAGS, ...STACK_FLAGS[stack]],
});
/** Runs the page (with `search`) to the end; returns what it measured. */
async function runPage(search: string): Promise<any> {
  const page = await browser.newPage();
  page.on("console", (m) => m.type() === "error" && console.error(`page: ${m.text()}`));
  await page.goto(`http://127.0.0.1:${port}/${search}`);
  await page.waitForFunction(() => "benchResult" in window || "benchError" in window, null, { timeout: 1_800_000 });
  const error = await page.evaluate(() => (window as { benchError?: string }).benchError);
  if (error) throw new Error(`the benchmark failed in the page: ${error}`);
  const result = await page.evaluate(() => (window as unknown as { benchResult: any }).benchResult);
  await page.close();
  return result;
}

/** The plain page: webgl2 and wasm-simd against TF.js and jax-js. */
async function plain() {
  const result = await runPage("");
  console.log(`Chromium, WebGL2 renderer: ${result.renderer}\n`);
  console.log("Graves update, ms per step (medians of interleaved rounds)\n");
  const rows = [["params", "webgl2", "webgl2 fast", "texture copy", "TF.js webgl", "wasm-simd", "TF.js wasm",
    "webgl2 vs TF.js webgl", "strict / fast", "webgl2 / copy", "simd vs TF.js wasm"]];
  for (const [size, t] of Object.entries(result.update) as [string, Record<string, number>][]) {
    rows.push([paramsName(size), ms(t.webgl2), ms(t["webgl2 fast"]), ms(t["copy floor"]),
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

  const { devices, steps, weights } = result.jax as { devices: string[]; steps: Record<string, Record<string, number>>;
    weights: Record<string, number[]> };
  console.log(`\nAgainst jax-js 0.1.25 (its jit(valueAndGrad) step, SGD in its ops) on ${devices.join(" and ")}, ours with SGD, ms\n`);
  const jaxRows = [["net", "webgl2", "wasm-simd", ...devices.map((d) => `jax-js ${d}`), "jax-js webgl / webgl2",
    "jax-js wasm / wasm-simd"]];
  for (const [name, t] of Object.entries(steps)) {
    jaxRows.push([name, ms(t.webgl2), ms(t["wasm-simd"]), ...devices.map((d) => ms(t[`jax-js ${d}`])),
      ratio(t["jax-js webgl"], t.webgl2), ratio(t["jax-js wasm"], t["wasm-simd"])]);
  }
  console.log(table(jaxRows));
  console.log("\n100 SGD steps of the 128-64-32-16 relu MLP on each library's devices, the first layer's weights compared\n");
  const w = (name: string) => Float32Array.from(weights[name]);
  const pairs = [["jax-js cpu", "jax-js wasm"], ["jax-js cpu", "jax-js webgl"], ["jax-js wasm", "jax-js webgl"],
    ["js", "wasm-simd"], ["js", "webgl2"], ["wasm-simd", "webgl2"]].filter(([a, b]) => weights[a] && weights[b]);
  console.log(table([["pair", "weights differing", "worst"], ...pairs.map(([a, b]) => [`${a} vs ${b}`, ...weightsDiff(w(a), w(b))])]));
  return result;
}

/** The cross-origin isolated page: wasm-simd on threads against TF.js wasm on its threads. */
async function isolated() {
  const isolated = await runPage("?isolated");
  if (!isolated.isolated) throw new Error("the ?isolated page is not cross-origin isolated");
  const n = isolated.threads;
  console.log(`\nThe same page cross-origin isolated: wasm-simd on 1 and ${n} threads, TF.js wasm on its threads, ms\n`);
  const isolatedRows = [["work", "wasm-simd", `${n} threads`, "TF.js wasm", `${n} threads / 1`, `TF.js wasm / ${n} threads`]];
  const name = `wasm-simd, ${n} threads`;
  for (const [work, t] of [...Object.entries(isolated.update).map(([size, t]) => [`update, ${paramsName(size)}`, t]),
  ...Object.entries(isolated.training).map(([net, t]) => [`step, ${net}`, t])] as [string, Record<string, number>][]) {
    isolatedRows.push([work, ms(t["wasm-simd"]), ms(t[name]), ms(t["TF.js wasm"]), ratio(t["wasm-simd"], t[name]),
      ratio(t["TF.js wasm"], t[name])]);
  }
  console.log(table(isolatedRows));
  return isolated;
}

/** The ?webgpu page: webgpu against TF.js webgpu and jax-js webgpu on the same adapter, webgl2 beside them. */
async function webgpu() {
  const result = await runPage("?webgpu");
  console.log(`\nChromium's WebGPU adapter: ${result.adapter}${result.flushes ? " (flushes subnormals: \"keep\" runs emulated)" : ""}; ` +
    `WebGL2 renderer: ${result.renderer}; ms per step\n`);
  const rows = [["work", "webgpu", "webgpu flush", "TF.js webgpu", "webgl2", "TF.js webgpu / webgpu", "TF.js webgpu / flush",
    "webgl2 / webgpu"]];
  for (const [work, t] of [...Object.entries(result.update as Times).map(([size, t]) => [`update, ${paramsName(size)}`, t]),
    ...Object.entries(result.training as Times).map(([net, t]) => [`step, ${net}`, t])] as [string, Record<string, number>][]) {
    rows.push([work, ms(t.webgpu), ms(t["webgpu flush"]), ms(t["TF.js webgpu"]), ms(t.webgl2), ratio(t["TF.js webgpu"], t.webgpu),
      ratio(t["TF.js webgpu"], t["webgpu flush"]), ratio(t.webgl2, t.webgpu)]);
  }
  console.log(table(rows));
  const jax = Object.entries(result.jax as Times);
  if (jax.length) {
    console.log("\nAgainst jax-js's webgpu device (its jit(valueAndGrad) SGD step), ours with SGD, ms\n");
    console.log(table([["net", "webgpu", "webgpu flush", "jax-js webgpu", "webgl2", "jax-js webgpu / webgpu", "jax-js webgpu / flush"],
      ...jax.map(([net, t]) => [net, ms(t.webgpu), ms(t["webgpu flush"]), ms(t["jax-js webgpu"]), ms(t.webgl2),
        ratio(t["jax-js webgpu"], t.webgpu), ratio(t["jax-js webgpu"], t["webgpu flush"])])]));
  } else {
    console.log("\njax-js found no webgpu device on this adapter");
  }
  return result;
}

try {
  const measured: Record<string, unknown> = {};
  if (pages.includes("plain")) Object.assign(measured, await plain());
  if (pages.includes("isolated")) measured.isolated = await isolated();
  if (pages.includes("webgpu")) measured.webgpu = await webgpu();
  const file = join(root, "bench", "results.json");
  const previous = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const key = `browser-${stack}`;
  writeFileSync(file, JSON.stringify({ ...previous, [key]: { ...previous[key], ...measured } }, null, 2) + "\n");
  console.log("\nwritten to bench/results.json");
} finally {
  await browser.close();
  server.close();
}
