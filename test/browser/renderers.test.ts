// A kernel definition with an operation dropped, rendered to GLSL and run on webgl2,
// gives the bits of the same wrong definition rendered to the js reference (and of
// neither right kernel): the webgl2 pass comes from the definition, not from a copy.
// test/render.test.ts does the same for the WebAssembly build.
import { describe, it, expect } from "vitest";
import { DeviceArray, getDevice, Random } from "../../src/index.js";
import { WebGL2Device } from "../../src/devices/webgl2/index.js";
import { DEFINITIONS } from "../../src/kernels/index.js";
import { renderGlsl } from "../../src/kernels/render/glsl.js";
import { allArrays } from "../../src/kernels/vocabulary.js";
import { elementwise } from "../../src/devices/webgl2/kernels.js";
import { glsl } from "../../src/generated/glsl.js";
import { dropOperation, evaluateJs, runJs } from "../renderedKernels.js";
import { expectSameBits } from "../helpers.js";

describe("a definition with an operation dropped, on webgl2", () => {
  it.each(["keep", "flush"] as const)("changes the GLSL pass as it changes the js reference (subnormals %s)", async (subnormals) => {
    const device = await getDevice("webgl2", { subnormals });
    if (!(device instanceof WebGL2Device)) throw new Error("no webgl2 device");
    const right = DEFINITIONS.tanhBackward;
    // Its first multiplication in evaluation order dropped: dx = dy * (1 - y*y) becomes dy * (1 - y).
    const wrong = dropOperation(right, "mul", `tanhBackwardProbe${subnormals}`);
    glsl[wrong.name] = renderGlsl(wrong);
    const n = 1027;
    const random = new Random(81);
    const [y, dy] = [0, 1].map(() => Float32Array.from({ length: n }, () => random.normal()));
    const js = evaluateJs([right, wrong]);
    const mode = device.flushesSubnormals ? "flush" : subnormals;
    const inputs = [y, dy, new Float32Array(n)];
    const [, , expectedRight] = runJs(js.tanhBackward, inputs, [], mode);
    const [, , expectedWrong] = runJs(js[wrong.name], inputs, [], mode);
    const arrays = allArrays(right).map(() => DeviceArray.allocate(device, [n]));
    const [ya, dya, dx] = arrays;
    try {
      ya.set(y);
      dya.set(dy);
      elementwise(device, wrong)({ y: ya, dy: dya, dx }, [{ end: n, scalars: [] }]);
      expectSameBits(dx.get(), expectedWrong, "the wrong kernel on webgl2", { flushesSubnormals: device.flushesSubnormals });
      elementwise(device, right)({ y: ya, dy: dya, dx }, [{ end: n, scalars: [] }]);
      expectSameBits(dx.get(), expectedRight, "tanhBackward on webgl2", { flushesSubnormals: device.flushesSubnormals });
    } finally {
      arrays.forEach((a) => a.dispose());
      delete glsl[wrong.name];
    }
    expect(expectedWrong.filter((w, i) => w !== expectedRight[i]).length).toBeGreaterThan(n / 2);
  });
});
