// The examples as a user runs them: Node (tsx) against the built package, and the
// seed and nodeinfo examples under Deno 2 against the same dist/ bundle, bit for bit.
import { describe, it, expect } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const bin = (name: string) => `${root}node_modules/.bin/${name}`;

function run(command: string, args: string[]): string[] {
  if (!existsSync(`${root}dist/index.js`)) throw new Error("dist/index.js is missing: run `npm run build` first");
  return execFileSync(command, args, { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } })
    .trim().split("\n");
}

const node = (example: string, device: string) => run(bin("tsx"), [`examples/${example}.ts`, "--device", device]);
const deno = (example: string, device: string) => run(bin("deno"), ["run", "--no-lock", "--quiet",
  "--import-map=test/deno/import_map.json", `examples/${example}.ts`, "--device", device]);

const errorsOf = (lines: string[]) =>
  lines.filter((line) => line.startsWith("Iteration #")).map((line) => Number(line.split("error: ")[1]));

describe("examples", () => {
  it("seed: 20 error lines, the error falls, the same output on wasm-simd, wasm and js", () => {
    const outputs = ["wasm-simd", "wasm", "js"].map((device) => node("seed", device));
    const errors = errorsOf(outputs[0]);
    expect(errors).toHaveLength(20);
    expect(outputs[0][0]).toMatch(/^Iteration #5 error: \d/);
    expect(errors[19]).toBeLessThan(errors[0] / 100);
    const deterministic = (lines: string[]) => lines.filter((l) => !/^(device|steps per second):/.test(l));
    for (const output of outputs) expect(deterministic(output)).toEqual(deterministic(outputs[0]));
    expect(outputs[0]).toContain("device: wasm-simd");
    expect(outputs[0].at(-1)).toMatch(/^steps per second: \d+$/);
  });

  it("puzzlelib-simple: every optimizer of the family brings the error down, with the same weights on wasm-simd and js", () => {
    const outputs = ["wasm-simd", "js"].map((device) => node("puzzlelib-simple", device));
    const lines = outputs[0].filter((line) => line.includes("weights fingerprint"));
    expect(lines.map((line) => line.split(" ")[0])).toEqual(["SGD", "MomentumSGD", "NesterovSGD", "RMSProp", "Adam",
      "AdaGrad", "AdaDelta", "SMORMS3", "RMSPropGraves"]);
    for (const line of lines) {
      const [first, last] = line.match(/error (\S+) -> (\S+),/)!.slice(1).map(Number);
      expect(last, line).toBeLessThan(first / (line.startsWith("AdaDelta") ? 1.5 : 10));
    }
    expect(outputs[0].slice(0, -1)).toEqual(outputs[1].slice(0, -1));
    expect(outputs.map((o) => o.at(-1))).toEqual(["device: wasm-simd", "device: js"]);
  });

  it("fashion-mnist: the same accuracy and weights fingerprint on wasm-simd (1 and 4 threads), wasm, js and in Deno", () => {
    const short = ["--epochs", "1", "--limit", "1024"];
    const outputs = [
      run(bin("tsx"), ["examples/fashion-mnist.ts", "--device", "wasm-simd", "--threads", "1", ...short]),
      run(bin("tsx"), ["examples/fashion-mnist.ts", "--device", "wasm-simd", "--threads", "4", ...short]),
      run(bin("tsx"), ["examples/fashion-mnist.ts", "--device", "wasm", ...short]),
      run(bin("tsx"), ["examples/fashion-mnist.ts", "--device", "js", ...short]),
      run(bin("deno"), ["run", "--no-lock", "--quiet", "--allow-read", "--import-map=test/deno/import_map.json", "examples/fashion-mnist.ts",
        "--device", "wasm-simd", ...short]),
    ];
    const results = (lines: string[]) => lines.filter((l) => /^(test accuracy|weights fingerprint):/.test(l));
    expect(results(outputs[0])).toHaveLength(2);
    expect(outputs[0][0]).toBe("mlp, device: wasm-simd (1 thread), 1024 training images, batch 64, 1 epochs");
    expect(outputs[0][1]).toMatch(/^epoch 1: \d+ samples\/s, error \d\.\d{4}, test accuracy \d+\.\d\d%$/);
    for (const output of outputs) expect(results(output)).toEqual(results(outputs[0]));
  });

  it("fashion-mnist --model cnn: the same accuracy and weights fingerprint on wasm-simd (1 and 2 threads), wasm and js", () => {
    const short = ["--model", "cnn", "--epochs", "1", "--limit", "256", "--test-limit", "500"];
    const outputs = [
      run(bin("tsx"), ["examples/fashion-mnist.ts", "--device", "wasm-simd", "--threads", "1", ...short]),
      run(bin("tsx"), ["examples/fashion-mnist.ts", "--device", "wasm-simd", "--threads", "2", ...short]),
      run(bin("tsx"), ["examples/fashion-mnist.ts", "--device", "wasm", ...short]),
      run(bin("tsx"), ["examples/fashion-mnist.ts", "--device", "js", ...short]),
    ];
    const results = (lines: string[]) => lines.filter((l) => /^(test accuracy|weights fingerprint):/.test(l));
    expect(outputs[0][0]).toBe("cnn, device: wasm-simd (1 thread), 256 training images, batch 64, 1 epochs");
    expect(results(outputs[0])).toHaveLength(2);
    for (const output of outputs) expect(results(output)).toEqual(results(outputs[0]));
  });

  it("fashion-mnist --trace: the traces of wasm-simd on 2 threads and js compare identical through npx portable-optim", () => {
    const dir = mkdtempSync(join(tmpdir(), "fashion-trace-"));
    const short = ["--epochs", "1", "--limit", "512"];
    const traced = (device: string, file: string, threads = "1") => run(bin("tsx"), ["examples/fashion-mnist.ts", "--device", device,
      ...(device === "js" ? [] : ["--threads", threads]), ...short, "--trace", join(dir, file)]);
    expect(traced("wasm-simd", "simd.json", "2").at(-1)).toBe(`trace of 8 steps: ${join(dir, "simd.json")}`);
    traced("js", "js.json");
    const compare = spawnSync(process.execPath, ["dist/cli.js", "compare", join(dir, "simd.json"), join(dir, "js.json")],
      { cwd: root, encoding: "utf8" });
    expect([compare.status, compare.stdout.trim()]).toEqual([0, "identical over 8 steps"]);
    const trace = JSON.parse(readFileSync(join(dir, "simd.json"), "utf8"));
    expect(trace.device).toMatchObject({ name: "wasm-simd", threads: 2 });
    expect(trace.variables.map((v: { name: string }) => v.name)).toEqual(["0.W", "0.b", "3.W", "3.b"]);
    expect(trace.steps[0].error).toMatch(/^[0-9a-f]{8}$/);
    rmSync(dir, { recursive: true, force: true });
  });

  it("fashion-mnist: the whole training set for 5 epochs reaches 88% test accuracy", () => {
    const output = run(bin("tsx"), ["examples/fashion-mnist.ts", "--device", "wasm-simd"]);
    expect(output.filter((l) => l.startsWith("epoch "))).toHaveLength(5);
    const accuracy = Number(output.find((l) => l.startsWith("test accuracy:"))!.match(/([\d.]+)%/)![1]);
    expect(accuracy).toBeGreaterThanOrEqual(88);
  });

  it("fashion-mnist --model cnn: the whole training set for 3 epochs reaches 90% test accuracy", () => {
    const output = run(bin("tsx"), ["examples/fashion-mnist.ts", "--device", "wasm-simd", "--model", "cnn", "--epochs", "3"]);
    expect(output.filter((l) => l.startsWith("epoch "))).toHaveLength(3);
    const accuracy = Number(output.find((l) => l.startsWith("test accuracy:"))!.match(/([\d.]+)%/)![1]);
    expect(accuracy).toBeGreaterThanOrEqual(90);
  }, 1_200_000); // 2.5 minutes on the AMD EPYC CI machine's two threads, 7.6 on an Intel Xeon one (2026-12-06) with other suites sharing them

  it("Deno 2 runs the built package and prints Node's numbers bit for bit", () => {
    const fromDeno = deno("seed", "wasm-simd");
    const fromNode = node("seed", "wasm-simd");
    const deterministic = (lines: string[]) => lines.filter((l) => !l.startsWith("steps per second:"));
    expect(fromDeno).toContain("device: wasm-simd");
    expect(deterministic(fromDeno)).toEqual(deterministic(fromNode));
  });

  it("nodeinfo: 2 and 4 nodes, node 0's 20 error lines falling, every node's fingerprint equal; Deno prints the same", () => {
    const fromNode = run(bin("tsx"), ["examples/nodeinfo.ts"]);
    for (const nodes of [2, 4]) {
      const start = fromNode.indexOf(`${nodes} nodes (node 0's shard of ${16 / nodes} rows):`);
      expect(start, `${nodes} nodes`).toBeGreaterThanOrEqual(0);
      const errors = errorsOf(fromNode.slice(start + 1, start + 21));
      expect(errors).toHaveLength(20);
      expect(errors[19]).toBeLessThan(errors[0] / 100);
      const prints = fromNode[start + 21].match(/node \d \(wasm-simd\) ([0-9a-f]{8})/g)!;
      expect(prints).toHaveLength(nodes);
      expect(new Set(prints.map((p) => p.slice(-8))).size).toBe(1);
    }
    const fromDeno = run(bin("deno"), ["run", "--no-lock", "--quiet", "--allow-read", "--allow-env",
      "--import-map=test/deno/import_map.json", "examples/nodeinfo.ts"]);
    expect(fromDeno).toEqual(fromNode);
  });

  it("deno check sees the package's bundled types (test/deno/consumer.ts)", () => {
    expect(() => run(bin("deno"), ["check", "--quiet", "--no-lock", "--import-map=test/deno/import_map.json",
      "test/deno/consumer.ts"])).not.toThrow();
  });
});
