// The package as a dependency sees it (Node only), installed from its `npm pack` tarball
// into scratch projects (and once from a git URL): import and require through its exports, its published types
// under strict TypeScript with and without the DOM, the README's pictures, what a bundle
// of part of it carries, an esbuild browser bundle opening quietly and training in
// Chromium, and error classes and optimizer state that keep their names in a minified bundle.
import { describe, it, expect } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { chromium } from "playwright";
import { CHROMIUM_FLAGS } from "./glStacks.js";
import { init as initHere, randn } from "../src/index.js";
import { seedSetup } from "../src/reproducibility.js";

const root = new URL("..", import.meta.url).pathname;

/** Runs `code` as a file `name` in a scratch project with the package installed from its tarball. */
function runInProject(name: string, code: string): string {
  const dir = installTarball();
  try {
    writeFileSync(join(dir, name), code);
    return execFileSync(process.execPath, [join(dir, name)], { cwd: dir, encoding: "utf8" }).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TRAIN = `
await init({ device: "wasm-simd" });
const w = gpuarray.toGpu(randn([4], 1), [4]);
console.log(currentDevice().name, currentDevice().subnormals, Array.from(w.get()).join(","));`;

const CONSUMER = `import { init, gpuarray, randn, Sequential, Linear, RMSPropGraves, MSE, currentDevice,
  InvalidArgumentError, type DeviceName } from "portable-optim";
await init({ subnormals: "flush" });
const net = new Sequential([new Linear(4, 1)]);
const optimizer = new RMSPropGraves({ learnRate: 0.01 });
optimizer.setupOn(net, { useGlobalState: true });
const [error] = new MSE().compute(net.forward(gpuarray.toGpu(randn([2, 4], 1), [2, 4])), gpuarray.zeros([2, 1]));
const name: DeviceName = currentDevice().name;
export const result: [number | null, DeviceName, Uint8Array, boolean] =
  [error, name, net.save(), new InvalidArgumentError("x") instanceof Error];
`;

/** A scratch project with the package installed from its `npm pack` tarball (as built now). */
function installTarball(): string {
  const dir = mkdtempSync(join(tmpdir(), "portable-optim-tarball-"));
  const tarball = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir],
    { cwd: root, encoding: "utf8" }).trim().split("\n").at(-1)!;
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", join(dir, tarball)], { cwd: dir, stdio: "ignore" });
  return dir;
}

describe("the package as a dependency", () => {
  it("installs from its npm pack tarball and type-checks strictly under nodenext and bundler, with and without the DOM", () => {
    const dir = installTarball();
    try {
      writeFileSync(join(dir, "main.ts"), CONSUMER);
      const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
      for (const [module, moduleResolution] of [["nodenext", "nodenext"], ["esnext", "bundler"]]) {
        for (const lib of [["es2022"], ["es2022", "dom"]]) {
          const config = { compilerOptions: { strict: true, module, moduleResolution, target: "es2022", lib, types: [],
            skipLibCheck: false, noEmit: true }, files: ["main.ts"] };
          writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
          const check = spawnSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8" });
          expect(check.stdout + check.stderr, `${moduleResolution}, lib ${lib.join(" + ")}`).toBe("");
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("installs from a git URL: npm runs the prepare script, which builds dist", () => {
    const dir = mkdtempSync(join(tmpdir(), "portable-optim-git-"));
    try {
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
      // The committed HEAD: in CI, a clean clone, so the tree under test.
      execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", `git+file://${root}`],
        { cwd: dir, stdio: "ignore" });
      writeFileSync(join(dir, "main.js"), `import { init, gpuarray, randn, currentDevice } from "portable-optim";${TRAIN}`);
      expect(execFileSync(process.execPath, ["main.js"], { cwd: dir, encoding: "utf8" }).trim())
        .toBe(`wasm-simd keep ${Array.from(randn([4], 1)).join(",")}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it("shows the README's pictures from the package's own files, at its version (on the npm page too)", () => {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const pictures = [...readFileSync(join(root, "README.md"), "utf8").matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(pictures.length).toBeGreaterThan(0);
    const dir = installTarball();
    try {
      for (const url of pictures) {
        const file = url.match(new RegExp(`^https://cdn\\.jsdelivr\\.net/npm/portable-optim@${version}/(.+)$`))?.[1];
        expect(file, `${url} should be https://cdn.jsdelivr.net/npm/portable-optim@${version}/<a file in the tarball>`)
          .toBeDefined();
        expect(existsSync(join(dir, "node_modules", "portable-optim", file!)), `${file} in the tarball`).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("bundles what is imported: randn alone carries no device, shader or WebAssembly", async () => {
    const dir = installTarball();
    try {
      const bundle = async (contents: string) => (await esbuild.build({
        stdin: { contents, resolveDir: dir }, bundle: true, minify: true, format: "esm", platform: "browser",
        write: false, logLevel: "silent",
      })).outputFiles[0].text;
      const small = await bundle(`import { randn } from "portable-optim"; console.log(randn([3], 1));`);
      const full = await bundle(`import { init, RMSPropGraves } from "portable-optim"; console.log(init, RMSPropGraves);`);
      expect(small.length).toBeLessThan(10_000);
      expect([/texelFetch/.test(small), /AGFzbQ/.test(small)]).toEqual([false, false]);
      expect([/texelFetch/.test(full), /AGFzbQ/.test(full)]).toEqual([true, true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an esbuild browser bundle of the installed package opens webgl2 without console noise and trains in Chromium on webgl2 and wasm-simd with Node's numbers", async () => {
    const dir = installTarball();
    const server = createServer((request, response) => {
      const file = request.url?.startsWith("/?") || request.url === "/" ? "index.html" : "app.js";
      response.writeHead(200, { "content-type": file.endsWith(".js") ? "text/javascript" : "text/html" })
        .end(readFileSync(join(dir, file)));
    });
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      // Chromium's own choice of GL: with --use-angle=swiftshader it logs no driver messages at all.
      headless: true, args: CHROMIUM_FLAGS });
    try {
      await esbuild.build({
        stdin: {
          contents: `import { init, gpuarray, randn, Sequential, Linear, RMSPropGraves, MSE } from "portable-optim";
const result = {};
if (location.search === "?open") {
  // Probing (init() passes over software WebGL2) and opening webgl2 should log nothing of ours.
  await init();
  await init({ device: "webgl2" });
  window.result = "opened";
} else {
for (const device of ["webgl2", "wasm-simd"]) {
  await init({ device });
  const data = gpuarray.toGpu(randn([16, 128], 1), [16, 128]);
  const target = gpuarray.toGpu(randn([16, 1], 2), [16, 1]);
  const net = new Sequential([new Linear(128, 1, { seed: 3 })]);
  const optimizer = new RMSPropGraves({ learnRate: 0.001 });
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new MSE();
  result[device] = [];
  for (let i = 0; i < 20; i++) {
    const [error, grad] = loss.compute(net.forward(data), target);
    optimizer.zeroGradParams();
    net.backward(grad, { updGrad: false });
    optimizer.update();
    result[device].push(error);
  }
}
window.result = result;
}`,
          resolveDir: dir,
        },
        bundle: true, format: "esm", platform: "browser", outfile: join(dir, "app.js"), logLevel: "silent",
      });
      writeFileSync(join(dir, "index.html"), '<!doctype html><script type="module" src="app.js"></script>');
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
      const opening = await browser.newPage();
      const messages: string[] = [];
      opening.on("console", (message) => messages.push(message.text()));
      await opening.goto(`${url}?open`);
      await opening.waitForFunction(() => "result" in window, null, { timeout: 120_000 });
      await opening.waitForTimeout(1000); // driver messages come from the GPU process, later
      // Before this test, the self-test's four read-backs logged "GPU stall due to ReadPixels". The
      // one line left is Chromium's own when a page asks for a WebGPU adapter where WebGPU is off
      // (this Chromium runs without --enable-unsafe-webgpu): init() asks, webgpu coming first.
      expect(messages).toEqual(["No available adapters."]);

      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForFunction(() => "result" in window, null, { timeout: 120_000 });
      const result = await page.evaluate(() => (window as unknown as { result: Record<string, number[]> }).result);

      await initHere({ device: "wasm-simd" });
      const seed = seedSetup();
      const expected = Array.from({ length: 20 }, () => seed.step()!);
      seed.dispose();
      expect(result).toEqual({ webgl2: expected, "wasm-simd": expected });
    } finally {
      await browser.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("imports as ESM through its exports, and so does its package.json", () => {
    const out = runInProject("main.mjs", `import { init, currentDevice, gpuarray, randn } from "portable-optim";
import pkg from "portable-optim/package.json" with { type: "json" };
${TRAIN}
console.log(pkg.name);`);
    expect(out.split("\n")[0]).toMatch(/^wasm-simd keep -?\d/);
    expect(out.split("\n")[1]).toBe("portable-optim");
  });

  it("npx portable-optim compares two traces written by the installed package: 0 when identical, 1 when not", () => {
    const dir = installTarball();
    try {
      writeFileSync(join(dir, "trace.mjs"), `import { writeFileSync } from "node:fs";
import { init, gpuarray, randn, Sequential, Linear, RMSPropGraves, MSE } from "portable-optim";
for (const [device, learnRate, file] of [["wasm-simd", 0.01, "a.json"], ["js", 0.01, "b.json"], ["js", 0.01, "c.json"]]) {
  await init(device === "js" ? { device } : { device, threads: 1 });
  const net = new Sequential([new Linear(4, 1, { seed: 1 })]);
  const optimizer = new RMSPropGraves({ learnRate });
  optimizer.setupOn(net, { useGlobalState: true });
  const trace = optimizer.trace();
  const target = gpuarray.zeros([2, 1]);
  for (let i = 0; i < 5; i++) {
    const [, grad] = new MSE().compute(net.forward(gpuarray.toGpu(randn([2, 4], file === "c.json" && i === 3 ? 9 : 1), [2, 4])), target);
    optimizer.zeroGradParams();
    net.backward(grad);
    optimizer.update();
  }
  writeFileSync(file, trace.serialize());
}`);
      execFileSync(process.execPath, ["trace.mjs"], { cwd: dir });
      const npx = (a: string, b: string) => spawnSync("npx", ["--no-install", "portable-optim", "compare", a, b], { cwd: dir, encoding: "utf8" });
      const same = npx("a.json", "b.json");
      expect([same.status, same.stdout.trim()]).toEqual([0, "identical over 5 steps"]);
      const different = npx("a.json", "c.json");
      expect([different.status, different.stdout.trim()]).toEqual([1,
        "the traces part at step 4: variable 0.W, its gradient (wasm-simd against js)"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("loads with require() where the runtime can require an ES module (Node >= 20.19)", () => {
    const [major, minor] = process.versions.node.split(".").map(Number);
    const out = runInProject("main.cjs", `const { init, currentDevice, gpuarray, randn } = require("portable-optim");
(async () => {${TRAIN}
})();`);
    if (major > 20 || (major === 20 && minor >= 19)) expect(out).toMatch(/^wasm-simd keep -?\d/);
  });

  it("error classes and saved optimizer state keep their names in a minified bundle", async () => {
    const result = await esbuild.build({
      stdin: {
        contents: `import * as p from "./src/index.ts";
export const names = Object.entries(p).filter(([k]) => k.endsWith("Error"))
  .map(([k, C]) => [k, new C("message", new Map()).name]);
await p.init({ device: "js" });
const optimizer = new p.RMSPropGraves();
optimizer.setupOn(new p.Linear(2, 1), { useGlobalState: true });
export const state = optimizer.save();
optimizer.load(state);`,
        resolveDir: root, loader: "ts",
      },
      bundle: true, minify: true, format: "esm", write: false, platform: "neutral", mainFields: ["module", "main"],
      logLevel: "silent",
    });
    const url = `data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString("base64")}`;
    const { names, state } = await import(url) as { names: [string, string][]; state: Uint8Array };
    expect(names.length).toBeGreaterThanOrEqual(11);
    for (const [exported, name] of names) expect(name, exported).toBe(exported);
    // Saved state names its optimizer, and load() checks it: also by a name that survives minifying.
    expect(new TextDecoder().decode(state)).toContain('"optimizer":"RMSPropGraves"');
  });
});
