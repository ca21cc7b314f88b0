import { describe, it, expect } from "vitest";
import { getDevice, rmspropGravesKer, DeviceArray, Random, randn, GRAVES_DEFAULTS } from "../src/index.js";
import * as reference from "../src/devices/js/reference.js";
import { gravesScalars } from "../src/optimizers/RMSPropGraves.js";
import { devicesUnderTest, expectSameBits, repetitions } from "./helpers.js";

const STEPS = 100;
const LENGTHS = [0, 1, 3, 4, 5, 1023, 1_048_579];
const HYPER = { learnRate: 0.01, alpha: 0.95, momRate: 0.9, epsilon: 1e-4 };

/**
 * Gradients spanning 1e-6 to 1e2 in magnitude, both signs, with exact zeros (about 1
 * in 16). Each step reads the pool at a different rotation, so every element sees a
 * varying sequence.
 */
function gradientPool(length: number, seed: number): Float32Array {
  const random = new Random(seed);
  const pool = new Float32Array(length + 7919);
  for (let i = 0; i < pool.length; i++) {
    const r = random.nextUint32();
    if ((r & 15) === 0) continue;
    const magnitude = 10 ** (-6 + 8 * random.uniform());
    pool[i] = r & 16 ? -magnitude : magnitude;
  }
  return pool;
}

function gradientAt(pool: Float32Array, length: number, step: number): Float32Array {
  const start = (step * 7919) % (pool.length - length + 1);
  return pool.subarray(start, start + length);
}

interface Run {
  w: Float32Array;
  mg: Float32Array;
  ms: Float32Array;
  d: Float32Array;
}

describe.each(LENGTHS)("rmspropGravesKer, length %i", (length) => {
  const pool = gradientPool(length, length + 1);
  const initial = randn([length], 7);
  const expected = new Map<number, Run>();

  /** The js reference after `steps` steps, computed once per step count. */
  function expectedAfter(steps: number): Run {
    const known = expected.get(steps);
    if (known) return known;
    const w = initial.slice();
    const mg = new Float32Array(length);
    const ms = new Float32Array(length);
    const d = new Float32Array(length);
    const s = gravesScalars({ ...GRAVES_DEFAULTS, ...HYPER });
    for (let step = 0; step < steps; step++) reference.elementwise("rmspropGraves", { param: w, grad: gradientAt(pool, length, step), mg, ms, delta: d }, s);
    const run = { w, mg, ms, d };
    expected.set(steps, run);
    return run;
  }

  it.each(devicesUnderTest().map((name) => [repetitions(STEPS, name), name] as const))(
    "%i steps are bit-identical to the js reference on %s", async (steps, name) => {
    const device = await getDevice(name);
    const [w, g, mg, ms, d] = [0, 1, 2, 3, 4].map(() => DeviceArray.allocate(device, [length]));
    w.set(initial);
    for (let step = 0; step < steps; step++) {
      g.set(gradientAt(pool, length, step));
      rmspropGravesKer(w, g, mg, ms, d, HYPER);
    }
    const want = expectedAfter(steps);
    expectSameBits((await mg.read()), want.mg, "mg");
    expectSameBits((await ms.read()), want.ms, "ms");
    expectSameBits((await d.read()), want.d, "delta");
    expectSameBits((await w.read()), want.w, "param");
    if (length > 0) expect(want.w.some((v, i) => v !== initial[i])).toBe(true);
    for (const a of [w, g, mg, ms, d]) a.dispose();
  });
});

describe.each(devicesUnderTest())("PuzzleLib's rmspropGravesKer test case on %s", (name) => {
  it("matches a float64 evaluation of the equation within 1e-6", async () => {
    const device = await getDevice(name);
    const shape = [11, 13];
    const hyper = { learnRate: 0.01, alpha: 0.95, momRate: 0.9, epsilon: 10 };
    const param = randn(shape, 101);
    const grad = randn(shape, 102);
    const mg = randn(shape, 103);
    const ms = randn(shape, 104).map((v) => 5 + v * v);
    const delta = randn(shape, 105);

    const arrays = [param, grad, mg, ms, delta].map((values) => {
      const a = DeviceArray.allocate(device, shape);
      a.set(values);
      return a;
    });
    rmspropGravesKer(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], hyper);
    const [gotParam, , gotMg, gotMs, gotDelta] = await Promise.all(arrays.map((a) => a.read()));

    let worst = 0;
    for (let i = 0; i < param.length; i++) {
      const { learnRate: lr, alpha, momRate, epsilon } = hyper;
      const g = grad[i];
      const m1 = alpha * mg[i] + (1 - alpha) * g;
      const m2 = alpha * ms[i] + (1 - alpha) * g * g;
      const d = momRate * delta[i] - (lr * g) / Math.sqrt(m2 - m1 * m1 + epsilon);
      const w = param[i] + d;
      worst = Math.max(worst, Math.abs(gotMg[i] - m1), Math.abs(gotMs[i] - m2), Math.abs(gotDelta[i] - d),
        Math.abs(gotParam[i] - w));
    }
    expect(worst).toBeLessThan(1e-6);
    for (const a of arrays) a.dispose();
  });
});
