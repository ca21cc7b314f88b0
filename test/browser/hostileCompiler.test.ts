// The guarantee checked beyond the GL stacks at hand: the passes compiled as a hostile
// but conforming GLSL ES 3.00 compiler may compile them (see hostileCompiler.ts).
// Strict passes keep the js reference's bits; the same rewrites applied to the passes
// without the strict vocabulary change them.
import { describe, it, expect } from "vitest";
import { compareTraces, getDevice, init, reproducibilityReport } from "../../src/index.js";
import { WebGL2Device } from "../../src/devices/webgl2/index.js";
import { seedSetup } from "../../src/reproducibility.js";
import { PassRunner } from "../../src/devices/webgl2/passes.js";
import { hostileCompile } from "./hostileCompiler.js";

async function reportWithCompiler(strict: boolean) {
  const device = await getDevice("webgl2");
  if (!(device instanceof WebGL2Device)) throw new Error("webgl2 did not open");
  const original = device.passes;
  device.passes = new PassRunner(original.gl, original.maxRows, { subnormals: "keep", precision: "strict" },
    (source) => hostileCompile(source, { strict }));
  device.passes.checkErrors = true;
  try {
    return (await reproducibilityReport()).rows.filter((row) => row.device === "webgl2");
  } finally {
    device.passes = original;
  }
}

describe("a hostile conforming compiler", () => {
  it("leaves every strict pass bit-identical to the js reference", async () => {
    for (const row of await reportWithCompiler(true)) {
      expect(row.differing - row.flushedSubnormals, `${row.check} / ${row.array}`).toBe(0);
    }
  });

  it("changes the bits of the same passes without the strict vocabulary", async () => {
    const rows = await reportWithCompiler(false);
    const changed = (check: string) => rows.filter((row) => row.check === check && row.differing > row.flushedSubnormals);
    // The Graves and Adam updates divide and take a root, and reassociation reaches Graves
    // ((ms - mg*mg) + epsilon); the seed example, MSE and softmax divide. (tanh and sigmoid
    // divide 2 and 1 by x, where a * (1.0 / x) is exact.)
    for (const check of ["RMSPropGraves, 100 steps", "Adam, 100 steps", "seed example", "mse", "softmax cross-entropy"]) {
      expect(changed(check).length, `${check} unchanged by the rewrites`).toBeGreaterThan(0);
    }
  });

  // The stack where strict and fast differ: "fast" passes (no strict vocabulary) under the hostile rewrites.
  it("a trace of the seed example in fast precision there parts from the strict trace at the first step whose arrays differ", async () => {
    const run = async (hostile: boolean) => {
      const device = (await init({ device: "webgl2" })) as WebGL2Device;
      const original = device.passes;
      if (hostile) {
        device.passes = new PassRunner(original.gl, original.maxRows, { subnormals: "keep", precision: "fast" },
          (source) => hostileCompile(source, { strict: false }));
      }
      try {
        const seed = seedSetup();
        const trace = seed.optimizer.trace();
        const arrays: Float32Array[][] = [];
        for (let i = 0; i < 30; i++) {
          trace.error(seed.step()!);
          arrays.push(["0.W", "0.b"].flatMap((n) => [seed.net.getVar(n).grad.get(), seed.net.getVar(n).data.get()]));
        }
        const file = trace.toJSON();
        seed.dispose();
        return { file, arrays };
      } finally {
        device.passes = original;
      }
    };
    const [strict, fast] = [await run(false), await run(true)];
    const same = (a: Float32Array, b: Float32Array) => a.every((x, i) => Object.is(x, b[i]));
    const firstDifferent = strict.arrays.findIndex((step, i) => step.some((a, k) => !same(a, fast.arrays[i][k])));
    expect(firstDifferent).toBeGreaterThanOrEqual(0);
    const result = await compareTraces(strict.file, fast.file);
    expect(result.identical).toBe(false);
    // The error comes first in a step: the trace may part there, at that step or before.
    expect(result.divergence!.index).toBeLessThanOrEqual(firstDifferent);
    if (result.divergence!.array !== "error") expect(result.divergence!.index).toBe(firstDifferent);
    expect(result.message).toMatch(new RegExp(`^the traces part at step ${result.divergence!.t}: `));
  });
});
