// The guarantee checked beyond the GL stacks at hand: the passes compiled as a hostile
// but conforming GLSL ES 3.00 compiler may compile them (see hostileCompiler.ts).
// Strict passes keep the js reference's bits; the same rewrites applied to the passes
// without the strict vocabulary change them.
import { describe, it, expect } from "vitest";
import { getDevice, reproducibilityReport, WebGL2Device } from "../../src/index.js";
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
});
