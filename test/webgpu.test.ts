// The WGSL renderings of the elementwise kernels (src/kernels/render/wgsl.ts after
// wgsl/common.wgsl), the first part of the WebGPU device (issue 20): test/webgpu/elementwise.ts
// runs every definition in Deno on Mesa's software adapter through Vulkan (lavapipe) and
// through GL (llvmpipe), in both subnormal modes, also with the GPU's quotient and root
// 2 ULP off either way, and compares every element with the js reference.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const features = new Map<string, string[]>();

const STACKS = [["Vulkan (lavapipe)", { DENO_WEBGPU_BACKEND: "vulkan" }], ["GL (llvmpipe)", { DENO_WEBGPU_BACKEND: "gl" }]] as const;

describe.each(STACKS)("WGSL kernels on Deno's WebGPU, %s", (stack, env) => {
  it("give the js reference's bits for every definition, both subnormal modes, whatever the GPU's estimates", () => {
    const run = spawnSync(join(root, "node_modules", ".bin", "deno"),
      ["run", "-A", "--no-lock", "--quiet", "--unstable-sloppy-imports", "test/webgpu/elementwise.ts"],
      { cwd: root, encoding: "utf8", timeout: 280_000, env: { ...process.env, XDG_RUNTIME_DIR: "/tmp", ...env } });
    expect(run.status, `deno exited with ${run.status} (${run.signal ?? "no signal"}): ${run.stderr}`).toBe(0);
    const report = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
    expect(report.error, "Deno must find a WebGPU adapter (Mesa's, from the mesa-vulkan-drivers package)").toBeUndefined();
    expect(report.adapter).toMatch(/llvmpipe/);
    expect(report.errors).toEqual([]);
    expect(report.failures).toEqual([]);
    expect(report.kernels).toBeGreaterThanOrEqual(22);
    expect(report.checked).toBe(report.planned);
    expect(report.checked).toBeGreaterThan(500);
    features.set(stack, report.features);
  }, 300_000);
});

it("the two stacks are two routes (their adapters' features differ)", () => {
  expect([...features.keys()]).toEqual(["Vulkan (lavapipe)", "GL (llvmpipe)"]);
  expect(features.get("Vulkan (lavapipe)")).not.toEqual(features.get("GL (llvmpipe)"));
});
