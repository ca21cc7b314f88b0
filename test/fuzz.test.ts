// 1,000 seeded random cases (a fifth on softpipe's webgl2) of the fused update on every device against the js
// reference: sizes 0 to 100,000, hyper-parameters across their valid ranges,
// gradients from 1e-30 to 1e30 with subnormals, zeros and both signs.
import { describe, it, expect } from "vitest";
import { getDevice, DeviceArray, Random } from "../src/index.js";
import * as reference from "../src/devices/js/reference.js";
import { runElementwise } from "../src/runtime/kernels.js";
import { gravesScalars } from "../src/optimizers/RMSPropGraves.js";
import { devicesUnderTest, expectSameBits, flushesSubnormals, repetitions } from "./helpers.js";

const CASES = 1000;
const STEPS = 3;

interface Case {
  size: number;
  scalars: Record<string, number>;
  w: Float32Array;
  grads: Float32Array[];
}

function makeCase(random: Random): Case {
  const size = Math.floor(100_001 ** random.uniform()) - 1; // log-uniform: many small, some large
  const logUniform = (lo: number, hi: number) => 10 ** (lo + (hi - lo) * random.uniform());
  const scalars = gravesScalars({
    learnRate: random.uniform() < 0.05 ? 0 : logUniform(-6, 1),
    alpha: random.uniform() < 0.05 ? 0 : Math.min(random.uniform(), 0.9999999),
    momRate: random.uniform() < 0.05 ? 0 : Math.min(random.uniform(), 0.9999999),
    epsilon: logUniform(-12, 1),
  });
  const value = () => {
    const r = random.nextUint32();
    const sign = r & 1 ? -1 : 1;
    switch ((r >>> 1) & 7) {
      case 0: return 0;
      case 1: return sign * 2 ** -149 * (1 + (r >>> 8) % 1000); // subnormal
      default: return sign * logUniform(-30, 30);
    }
  };
  const w = Float32Array.from({ length: size }, () => random.normal());
  const grads = Array.from({ length: STEPS }, () => Float32Array.from({ length: size }, value));
  return { size, scalars, w, grads };
}

// In "keep" mode a GPU that flushes subnormals in + - * (measured at init) is compared
// with the flushing reference: its strict division and root keep subnormals, but every
// quotient feeds a subtraction that flushes it. In "flush" mode every device must give
// the flushing reference's bits.
describe.each(devicesUnderTest().flatMap((name) => (["keep", "flush"] as const).map((mode) => [name, mode] as const)))(
  "fuzzing rmspropGraves on %s, subnormals %s", (name, subnormals) => {
  const cases = repetitions(CASES, name);
  it(`${cases} random cases give the reference's bits`, async () => {
    const device = await getDevice(name, { subnormals });
    const mode = flushesSubnormals(device) ? "flush" : subnormals;
    const step = (w: Float32Array, g: Float32Array, mg: Float32Array, ms: Float32Array, d: Float32Array,
      scalars: Record<string, number>) => reference.elementwise("rmspropGraves", { param: w, grad: g, mg, ms, delta: d }, scalars, mode);
    const random = new Random(2024);
    let elements = 0;
    for (let c = 0; c < cases; c++) {
      const { size, scalars, w, grads } = makeCase(random);
      elements += size;
      const expected = [w.slice(), new Float32Array(size), new Float32Array(size), new Float32Array(size)];
      const arrays = [0, 1, 2, 3, 4].map(() => DeviceArray.allocate(device, [size]));
      arrays[0].set(w);
      for (const grad of grads) {
        step(expected[0], grad, expected[1], expected[2], expected[3], scalars);
        arrays[1].set(grad);
        runElementwise("rmspropGraves", { param: arrays[0], grad: arrays[1], mg: arrays[2], ms: arrays[3], delta: arrays[4] }, scalars);
      }
      const what = `case ${c} (size ${size}, ${JSON.stringify(scalars)})`;
      expectSameBits((await arrays[0].read()), expected[0], `${what} param`);
      expectSameBits((await arrays[2].read()), expected[1], `${what} mg`);
      expectSameBits((await arrays[3].read()), expected[2], `${what} ms`);
      expectSameBits((await arrays[4].read()), expected[3], `${what} delta`);
      arrays.forEach((a) => a.dispose());
    }
    expect(elements).toBeGreaterThan(cases * 1000);
  });
});
