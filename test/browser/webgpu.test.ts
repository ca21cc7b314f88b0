// The webgpu device in Chromium (the browser project includes this file on the stacks
// where Chromium has a WebGPU adapter, see test/glStacks.ts): SwiftShader's adapter on
// the default stack, which flushes subnormals (so "keep" runs emulated, common.wgsl's
// EMULATE), and Tint's GLSL on ANGLE's Vulkan on lavapipe (GL_STACK=lavapipe), which
// keeps them; both modes on each. The checks are those Deno runs (test/webgpu/).
import { describe, expect, it } from "vitest";
import { GL_STACK } from "../helpers.js";
import { deviceReport } from "../webgpu/device.js";
import { trainingReport } from "../webgpu/training.js";

const STACKS: Record<string, { adapter: RegExp; modes: ("keep" | "flush")[]; flushes: boolean }> = {
  swiftshader: { adapter: /swiftshader/i, modes: ["keep", "flush"], flushes: true },
  // ANGLE's adapter names nothing: init() passes over it as it does over software ones.
  lavapipe: { adapter: /without a description/, modes: ["keep", "flush"], flushes: false },
};

describe(`WebGPU in Chromium (${GL_STACK})`, () => {
  const stack = STACKS[GL_STACK!];

  it("this stack has a WebGPU adapter", () => {
    expect(stack, `no WebGPU expectations for GL_STACK=${GL_STACK}; vitest.config.ts includes this file for ${Object.keys(STACKS)}`)
      .toBeDefined();
  });

  it("the webgpu device opens, has every kernel (countNonFinite aside) and gives the js device's bits in each", async () => {
    const report = await deviceReport(stack.modes);
    expect(report.adapter, JSON.stringify(report.status)).toMatch(stack.adapter);
    expect(report.failures).toEqual([]);
    expect(report.checks).toBeGreaterThanOrEqual(100 * stack.modes.length);
    // SwiftShader flushes subnormals: there "keep" runs emulated, with the same bits.
    expect(report.flushes).toBe(stack.flushes);
    expect(report.status).toMatchObject({ available: true, preferred: false, reason: expect.stringMatching(/software rasterizer/) });
  });

  it("training runs give the js device's bits; a NaN gradient's step is skipped and reported at the next read", async () => {
    const report = await trainingReport(stack.modes);
    expect(report.failures).toEqual([]);
    expect(report.runs.length).toBeGreaterThanOrEqual(12 * stack.modes.length + 7);
  });
});
