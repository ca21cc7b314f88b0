// The command line (dist/cli.js, `npx portable-optim`): compare's exit codes on identical,
// different and bad trace files, and the report of this machine's devices.
import { describe, it, expect, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { init, gpuarray, Linear, MSE, randn, RMSPropGraves, Sequential, VERSION, type DeviceName } from "../src/index.js";

const root = new URL("..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "portable-optim-cli-"));
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, "dist", "cli.js"), ...args], { encoding: "utf8" });

/** A 20-step trace of a small net on `device`, with learning rate `learnRate`, written to a file. */
async function traceFile(name: string, device: DeviceName, learnRate = 0.001): Promise<string> {
  await init({ device });
  const net = new Sequential([new Linear(8, 2, { seed: 1 })]);
  const optimizer = new RMSPropGraves({ learnRate });
  optimizer.setupOn(net, { useGlobalState: true });
  const trace = optimizer.trace();
  const data = gpuarray.toGpu(randn([4, 8], 2), [4, 8]);
  const target = gpuarray.toGpu(randn([4, 2], 3), [4, 2]);
  const loss = new MSE();
  for (let i = 0; i < 20; i++) {
    const [error, grad] = loss.compute(net.forward(data), target);
    trace.error(error);
    optimizer.zeroGradParams();
    net.backward(grad, { updGrad: false });
    optimizer.update();
  }
  const path = join(dir, name);
  writeFileSync(path, trace.serialize());
  for (const thing of [net, optimizer, data, target, loss]) thing.dispose();
  return path;
}

describe("npx portable-optim", () => {
  beforeAll(() => {
    if (!existsSync(join(root, "dist", "cli.js"))) throw new Error("dist/cli.js is missing: run `npm run build` first");
  });

  it("compare: exit 0 for identical traces of two devices, 1 for different runs, 2 for bad files and mismatches", async () => {
    const [simd, js, faster] = [await traceFile("simd.json", "wasm-simd"), await traceFile("js.json", "js"),
      await traceFile("faster.json", "js", 0.002)];
    const same = cli("compare", simd, js);
    expect([same.status, same.stdout.trim()]).toEqual([0, "identical over 20 steps"]);
    writeFileSync(join(dir, "short.json"), JSON.stringify({ ...JSON.parse(readFileSync(js, "utf8")), steps: [] }));
    const shorter = cli("compare", simd, join(dir, "short.json"));
    expect([shorter.status, shorter.stdout.trim()]).toEqual([1, "identical over 0 steps (one trace has 20 steps, the other 0)"]);
    const mismatch = cli("compare", simd, faster);
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toMatch(/TraceMismatchError: the traces differ in learnRate: 0\.001 against 0\.002/);
    writeFileSync(join(dir, "broken.json"), "{\"format\": \"portable-optim.trace.v1\", \"ver");
    const broken = cli("compare", simd, join(dir, "broken.json"));
    expect([broken.status, broken.stderr]).toEqual([2, expect.stringMatching(/TraceFormatError: the trace is not JSON/)]);
    const missing = cli("compare", simd, join(dir, "nothing.json"));
    expect([missing.status, missing.stderr]).toEqual([2, expect.stringMatching(/cannot read .*nothing\.json/)]);
    // Deno runs the same command line, with the same exit codes.
    const deno = (...args: string[]) => spawnSync(join(root, "node_modules", ".bin", "deno"),
      ["run", "--no-lock", "--quiet", "--allow-read", join(root, "dist", "cli.js"), ...args], { encoding: "utf8" });
    const fromDeno = deno("compare", simd, js);
    expect([fromDeno.status, fromDeno.stdout.trim()]).toEqual([0, "identical over 20 steps"]);
    expect(deno("compare", simd, join(dir, "short.json")).status).toBe(1);
    expect(deno("compare", simd, join(dir, "broken.json")).status).toBe(2);
    const usage = cli("compare", simd);
    expect([usage.status, usage.stderr]).toEqual([2, expect.stringMatching(/^portable-optim \d+\.\d+\.\d+\nusage:/)]);
    // The version traces and the usage line carry is package.json's.
    expect(VERSION).toBe(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version);
    expect(JSON.parse(readFileSync(js, "utf8")).version).toBe(VERSION);
  });

  it("trace: runs a script with every optimizer traced; the seed example's traces on js and wasm-simd compare identical", () => {
    const [js, simd] = [join(dir, "seed-js.json"), join(dir, "seed-simd.json")];
    const runs = [["js", js], ["wasm-simd", simd]].map(([device, out]) =>
      spawnSync(process.execPath, [join(root, "dist", "cli.js"), "trace", "--out", out, "examples/seed.ts", "--device", device],
        { cwd: root, encoding: "utf8" }));
    for (const run of runs) expect([run.status, run.stderr.trim().split("\n").at(-1)]).toEqual([0, expect.stringMatching(/the trace is in .*seed-/)]);
    expect(runs[0].stdout).toMatch(/Iteration #100 error: /);
    const same = cli("compare", js, simd);
    expect([same.status, same.stdout.trim()]).toEqual([0, "identical over 100 steps"]);
    // Several optimizers: the first to the file named, the others numbered (puzzlelib-simple trains nine).
    const family = join(dir, "family.json");
    expect(spawnSync(process.execPath, [join(root, "dist", "cli.js"), "trace", "--out", family, "examples/puzzlelib-simple.ts",
      "--device", "js"], { cwd: root, encoding: "utf8" }).status).toBe(0);
    const names = [family, ...Array.from({ length: 8 }, (_, i) => join(dir, `family.${i + 1}.json`))];
    expect(names.map((n) => JSON.parse(readFileSync(n, "utf8")).optimizer.name)).toEqual(["SGD", "MomentumSGD",
      "NesterovSGD", "RMSProp", "Adam", "AdaGrad", "AdaDelta", "SMORMS3", "RMSPropGraves"]);
    expect(cli("trace", "--out", join(dir, "x.json"), "examples/no-such-script.mjs").status).toBe(2);
  });

  it("report: the reproducibility table of this machine's devices, in the mode asked for", () => {
    const report = cli("report", "--subnormals", "flush");
    expect(report.status).toBe(0);
    expect(report.stdout).toMatch(/^largest distance from the js reference, subnormals "flush"\ncheck \| array +wasm-simd +wasm\n/);
    expect(report.stdout).toMatch(/RMSPropGraves, 100 steps \| param +0 ULP +0 ULP/);
    expect(cli("report", "--subnormals", "sometimes").status).toBe(2);
  });
});
