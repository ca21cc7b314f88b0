// The demo page as a person uses it: served, opened in Debian's Chromium, left to train.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { chromium, type Browser, type Page } from "playwright";
import type { Server } from "node:http";
import { buildDemo, serveDemo } from "../demo/serve.ts";
import { init } from "../src/index.js";
import { seedSetup } from "../src/reproducibility.js";

let server: Server;
let browser: Browser;
let page: Page;
const problems: string[] = [];

type PageDemo = { steps: number; trainers: { device: string; errors: number[] }[]; ulps: [number[], number[]] };
const read = () => page.evaluate(() => {
  const d = (window as unknown as { demo: PageDemo }).demo;
  return { steps: d.steps, trainers: d.trainers.map((t) => ({ device: t.device, errors: [...t.errors] })), ulps: d.ulps };
});
const waitForSteps = (n: number) => page.waitForFunction(
  (k) => ((window as unknown as { demo?: PageDemo }).demo?.steps ?? 0) >= k, n, { timeout: 120_000 });

/**
 * Picks classifier `task`, lets it train `steps` steps and pauses it; checks that both
 * devices trained with the same errors and weights to the same test accuracy, past 60%,
 * and returns the accuracies.
 */
async function trainClassifier(task: "fashion" | "cnn", steps: number) {
  await page.selectOption("#task", task);
  await page.waitForFunction((t) => (window as unknown as { demo: { task: string; steps: number } }).demo.task === t &&
    (window as unknown as { demo: { steps: number } }).demo.steps >= 1, task, { timeout: 120_000 });
  await waitForSteps(steps);
  await page.evaluate(() => ((window as unknown as { demo: { paused: boolean } }).demo.paused = true));
  const { trainers, ulps } = await read();
  const accuracies = await page.evaluate(() =>
    (window as unknown as { demo: { trainers: { accuracy: number | null }[] } }).demo.trainers.map((t) => t.accuracy));
  expect(trainers.map((t) => t.device)).toEqual(["webgl2", "wasm-simd"]);
  expect(accuracies[0]).toBe(accuracies[1]);
  expect(accuracies[0]!).toBeGreaterThan(0.6);
  expect(trainers[0].errors).toEqual(trainers[1].errors);
  expect(Math.max(...ulps[1])).toBe(0);
  return accuracies;
}

beforeAll(async () => {
  await buildDemo();
  server = await serveDemo(0);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--no-first-run", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 1100 } });
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe("the demo page", () => {
  it("trains the seed example on webgl2 and wasm-simd: both curves fall, bit-identically, with the API's numbers", async () => {
    await waitForSteps(300);
    const { trainers, ulps } = await read();
    expect(trainers.map((t) => t.device)).toEqual(["webgl2", "wasm-simd"]);
    for (const { errors } of trainers) expect(errors.at(-1)!).toBeLessThan(errors[0] / 100);

    await init({ device: "wasm-simd" });
    const seed = seedSetup();
    const expected = Array.from({ length: 100 }, () => seed.step()!);
    seed.dispose();
    for (const { errors } of trainers) expect(errors.slice(0, 100)).toEqual(expected);
    expect(ulps[0]).toEqual(Array.from({ length: ulps[0].length }, (_, i) => i + 1)); // one point per step
    expect(Math.max(...ulps[1])).toBe(0);

    // Paused, the table shows exactly the last error and step each device computed.
    await page.evaluate(() => ((window as unknown as { demo: { paused: boolean } }).demo.paused = true));
    await page.waitForTimeout(100);
    const now = await read();
    const shown = await page.$$eval("#stats tr", (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    expect(shown.map((r) => r.slice(0, 3))).toEqual(now.trainers.map((t) => [t.device, String(now.steps), String(t.errors.at(-1))]));
    await page.evaluate(() => ((window as unknown as { demo: { paused: boolean } }).demo.paused = false));
    expect(await page.textContent("#choice")).toMatch(/init\(\) would choose (wasm-simd here \(CPU\)|webgl2 here \(GPU\))/);
    expect(await page.textContent("#renderer")).toMatch(/WebGL2 renderer: .+/);
    // Served cross-origin isolated, the page runs wasm-simd on threads and says how many.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const threads = Math.min(8, cores);
    expect(await page.textContent("#devices")).toContain(`wasm-simd: available, ${threads} thread${threads > 1 ? "s" : ""}wasm:`);
  });

  it("runs the reproducibility report from its button", async () => {
    await page.click("#report");
    await page.waitForFunction(() => document.getElementById("report-output")!.textContent!.startsWith("largest"),
      null, { timeout: 120_000 });
    const text = (await page.textContent("#report-output"))!;
    expect(text).toMatch(/RMSPropGraves, 100 steps \| param +0 ULP +0 ULP +0 ULP/);
  });

  it("fits the 2-D function visibly and shows it next to its target", async () => {
    await page.selectOption("#task", "fit");
    await page.waitForFunction(() => (window as unknown as { demo: { task: string; steps: number } }).demo.task === "fit");
    await waitForSteps(400);
    const { trainers } = await read();
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const { errors } of trainers) expect(mean(errors.slice(-50))).toBeLessThan(mean(errors.slice(0, 50)) / 2);
    const inked = await page.$eval("#fit-image", (c) => {
      const data = (c as HTMLCanvasElement).getContext("2d")!.getImageData(0, 0, 32, 32).data;
      return data.some((v, i) => i % 4 !== 3 && v !== 255 && v !== 0);
    });
    expect(inked).toBe(true);
    // The README's picture: SCREENSHOT=/tmp/demo.png npx vitest run test/demo.test.ts, then
    // reduce it to 64 colours (docs/demo.png is shipped in the tarball for the npm page).
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  });

  it("trains the Fashion-MNIST classifier on both devices: accuracy rising past 60%, the same bits, a labelled gallery", async () => {
    const accuracies = await trainClassifier("fashion", 200);
    const captions = await page.$$eval("#gallery figcaption", (c) => c.map((e) => e.textContent));
    expect(captions).toHaveLength(16);
    expect(captions.filter((c) => !c!.includes("(is ")).length).toBeGreaterThan(8);
    const shown = await page.$$eval("#stats tr", (rows) => rows.map((r) => r.lastElementChild!.textContent));
    expect(shown).toEqual(accuracies.map((a) => `${(100 * a!).toFixed(1)}%`));
    await page.evaluate(() => ((window as unknown as { demo: { paused: boolean } }).demo.paused = false));
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT.replace(/\.png$/, "-fashion.png"), fullPage: true });
    expect(problems).toEqual([]);
  });

  it("trains the Fashion-MNIST CNN on both devices: accuracy past 60%, the same bits", async () => {
    await trainClassifier("cnn", 100);
    expect(await page.$$eval("#gallery figcaption", (c) => c.length)).toBe(16);
    await page.selectOption("#task", "fashion");
    expect(problems).toEqual([]);
  });

  it("reports a bad hyper-parameter on the page and keeps training", async () => {
    await page.fill("#alpha", "1.5");
    await page.dispatchEvent("#alpha", "change");
    expect(await page.textContent("#error")).toMatch(/InvalidArgumentError: alpha is 1\.5; expected a finite number in \[0, 1\)/);
    await page.fill("#alpha", "0.95");
    await page.dispatchEvent("#alpha", "change");
    expect(await page.textContent("#error")).toBe("");
    expect(problems).toEqual([]);
  });

  it("trains with the optimizer picked, showing its own hyper-parameters, the same bits on both devices", async () => {
    await page.selectOption("#task", "seed");
    await page.selectOption("#optimizer", "Adam");
    await page.waitForFunction(() => (window as unknown as { demo: PageDemo & { task: string } }).demo.task === "seed");
    const ids = await page.$$eval("#hyper input", (inputs) => inputs.map((i) => i.id));
    expect(ids).toEqual(["alpha", "beta1", "beta2", "epsilon"]);
    await page.fill("#beta1", "1");
    await page.dispatchEvent("#beta1", "change");
    expect(await page.textContent("#error")).toMatch(/InvalidArgumentError: beta1 is 1; expected a finite number in \[0, 1\)/);
    await page.fill("#beta1", "0.9");
    await page.dispatchEvent("#beta1", "change");
    await waitForSteps(100);
    const { trainers, ulps } = await read();
    for (const { errors } of trainers) expect(errors.at(-1)!).toBeLessThan(errors[0]);
    expect(trainers[0].errors.slice(0, 100)).toEqual(trainers[1].errors.slice(0, 100));
    expect(Math.max(...ulps[1])).toBe(0);
    expect(problems).toEqual([]);
  });
});
