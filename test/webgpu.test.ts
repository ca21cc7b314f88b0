// The webgpu device in Deno on Mesa's software adapter through Vulkan (lavapipe) and through
// GL (llvmpipe): test/webgpu/elementwise.ts runs every elementwise definition's WGSL
// rendering (src/kernels/render/wgsl.ts after wgsl/common.wgsl) in both subnormal modes,
// also as a hostile conforming compiler may compile it (test/browser/hostileCompiler.ts),
// and compares every element with the js reference; test/webgpu/device.ts opens the device as a user does and compares
// its kernels with the js device's; test/webgpu/training.ts trains on it and on js.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const features = new Map<string, string[]>();

const STACKS = [["Vulkan (lavapipe)", { DENO_WEBGPU_BACKEND: "vulkan" }], ["GL (llvmpipe)", { DENO_WEBGPU_BACKEND: "gl" }]] as const;

/** Runs `script` in Deno on the stack `env` chooses; its last line of output, a JSON report. */
function deno(script: string, env: Record<string, string>) {
  const run = spawnSync(join(root, "node_modules", ".bin", "deno"),
    ["run", "-A", "--no-lock", "--quiet", "--unstable-sloppy-imports", script],
    { cwd: root, encoding: "utf8", timeout: 280_000, env: { ...process.env, XDG_RUNTIME_DIR: "/tmp", ...env } });
  expect(run.status, `deno exited with ${run.status} (${run.signal ?? "no signal"}): ${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout.trim().split("\n").at(-1)!);
}

describe.each(STACKS)("WebGPU in Deno, %s", (stack, env) => {
  it("the WGSL passes give the js reference's bits for every definition, both subnormal modes, under a hostile compiler's estimates", () => {
    const report = deno("test/webgpu/elementwise.ts", env);
    expect(report.error, "Deno must find a WebGPU adapter (Mesa's, from the mesa-vulkan-drivers package)").toBeUndefined();
    expect(report.adapter).toMatch(/llvmpipe/);
    expect(report.errors).toEqual([]);
    expect(report.failures).toEqual([]);
    expect(report.kernels).toBeGreaterThanOrEqual(22);
    expect(report.checked).toBe(report.planned);
    expect(report.checked).toBeGreaterThan(500);
    // The same compiler on the passes without the strict vocabulary changes the updates' bits.
    expect(report.unprotectedChanged).toEqual(expect.arrayContaining(["rmspropGraves", "adam", "smorms3", "mseGradient"]));
    features.set(stack, report.features);
  }, 300_000);

  it("the webgpu device opens, has every kernel (countNonFinite aside), gives the js device's bits in each, and reads back only asynchronously", () => {
    const report = deno("test/webgpu/device.ts", env);
    expect(report.adapter).toMatch(/llvmpipe/);
    expect(report.failures).toEqual([]);
    expect(report.checks).toBeGreaterThanOrEqual(160);
    // A software adapter: available, not chosen by init() by itself.
    expect(report.software).toBe(true);
    expect(report.flushes).toBe(false);
    expect(report.status).toMatchObject({ available: true, preferred: false });
    expect(report.status.reason).toMatch(/software rasterizer/);
  }, 300_000);

  it("training runs give the js device's bits (every optimizer, an MLP and a CNN, both subnormal modes); a NaN gradient's step is skipped on the device and reported at the next read; saveAsync() writes what loads on js", () => {
    const report = deno("test/webgpu/training.ts", env);
    expect(report.failures).toEqual([]);
    expect(report.runs.length).toBeGreaterThanOrEqual(31);
  }, 300_000);
});

it("the two stacks are two routes (their adapters' features differ)", () => {
  expect([...features.keys()]).toEqual(["Vulkan (lavapipe)", "GL (llvmpipe)"]);
  expect(features.get("Vulkan (lavapipe)")).not.toEqual(features.get("GL (llvmpipe)"));
});
