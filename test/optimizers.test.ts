// PuzzleLib's optimizer family on every device: each one's fused step over 100 training
// steps gives the js device's bits (global and local state alike, multipliers included),
// its js reference agrees with an independent float64 version of PuzzleLib's formula,
// its state saves on one device and loads on another, and bad hyper-parameters are refused.
import { describe, it, expect } from "vitest";
import {
  init, gpuarray, randn, InvalidArgumentError, StateFormatError, SyncReadError, Random, MSE,
  type DeviceName, type Optimizer,
} from "../src/index.js";
import { OPTIMIZERS, type OptimizerName } from "../src/optimizers/index.js";
import { adamLearnRate } from "../src/optimizers/Adam.js";
import { powInt } from "../src/optimizers/hostMath.js";
import { buildNet, devicesUnderTest, expectSameBits, train } from "./helpers.js";

/** Each optimizer with the rates PuzzleLib's trainSimpleTest gives it. */
const SETTINGS: Record<OptimizerName, Record<string, number>> = {
  SGD: { learnRate: 0.1 }, MomentumSGD: { learnRate: 0.1, momRate: 0.9 }, NesterovSGD: { learnRate: 0.1, momRate: 0.9 },
  RMSProp: { learnRate: 0.01 }, Adam: { alpha: 0.01 }, AdaGrad: { learnRate: 0.01 }, AdaDelta: {},
  SMORMS3: { learnRate: 0.01 }, RMSPropGraves: { learnRate: 0.01 },
};
const NAMES = Object.keys(OPTIMIZERS) as OptimizerName[];
const make = (name: OptimizerName) => (): Optimizer => new OPTIMIZERS[name](SETTINGS[name]);

describe.each(devicesUnderTest())("the optimizer family on %s", (device) => {
  it.each(NAMES)("%s: 100 steps give the js device's bits, and global and local state agree", async (name) => {
    const result = await train(device, { steps: 100, optimizer: make(name), multipliers: true });
    const js = await train("js", { steps: 100, optimizer: make(name), multipliers: true });
    const local = await train(device, { steps: 100, optimizer: make(name), multipliers: true, useGlobalState: false });
    expect(result.errors.every(Number.isFinite)).toBe(true);
    // AdaDelta has no learning rate and starts slowly; every other one clearly learns.
    expect(result.errors[99]).toBeLessThan(result.errors[0] * (name === "AdaDelta" ? 1 : 0.5));
    expect(result.errors).toEqual(js.errors);
    expect(local.errors).toEqual(js.errors);
    for (const [key, values] of js.weights) {
      expectSameBits(result.weights.get(key)!, values, `${name} ${key}`);
      expectSameBits(local.weights.get(key)!, values, `${name} ${key}, local state`);
    }
    for (const [key, values] of js.state) expectSameBits(result.state.get(key)!, values, `${name} ${key}`);
    expect(js.state.size).toBe(js.weights.size * stateCount(name));
  });

  it.each(NAMES)("%s: state saved here loads on js and training goes on with the same bits; another optimizer's state is refused", async (name) => {
    const straight = await run("js", name, 10);
    const first = await run(device, name, 4);
    // saveAsync() everywhere; save() gives the same bytes where arrays read back synchronously.
    const [saved, weights] = [await first.optimizer.saveAsync(), await first.net.saveAsync()];
    if (device === "webgpu") {
      for (const save of [() => first.optimizer.save(), () => first.net.save()]) {
        expect(save).toThrow(SyncReadError);
        expect(save).toThrow(/await saveAsync\(\)/);
      }
    } else {
      expect(first.optimizer.save()).toEqual(saved);
      expect(first.net.save()).toEqual(weights);
    }
    const second = await run("js", name, 0);
    second.net.load(weights);
    second.optimizer.load(saved);
    expect(second.optimizer.getAttrDict()).toEqual(first.optimizer.getAttrDict());
    for (let i = 0; i < 6; i++) second.step();
    for (const [variable, [key]] of straight.net.getVarTable()) {
      expectSameBits((await second.net.getVar(key).data.read()), (await variable.data.read()), `${name} ${key} after ${device} → js`);
      for (const [state, array] of Object.entries(straight.optimizer.getState(key))) {
        expectSameBits((await second.optimizer.getState(key)[state].read()), (await array.read()), `${name} ${key}.${state}`);
      }
    }
    const other = await run("js", name === "SGD" ? "Adam" : "SGD", 0);
    const before = other.optimizer.getAttrDict();
    expect(() => other.optimizer.load(saved)).toThrow(StateFormatError);
    expect(() => other.optimizer.load(saved)).toThrow(`the state was saved by "${name}"; this is ${name === "SGD" ? "Adam" : "SGD"}`);
    expect(other.optimizer.getAttrDict()).toEqual(before);
    // saveAsync() writes the weights of when it was called, whatever runs before it resolves.
    const pending = first.net.saveAsync();
    first.step();
    expect(await pending).toEqual(weights);
    expect(await first.net.saveAsync()).not.toEqual(weights);
    [straight, first, second, other].forEach((r) => r.dispose());
  });
});

/** buildNet() trained `steps` steps with optimizer `name` on fixed data, on `device`. */
async function run(device: DeviceName, name: OptimizerName, steps: number) {
  await init({ device });
  const data = gpuarray.toGpu(randn([10, 24], 31), [10, 24]);
  const target = gpuarray.toGpu(randn([10, 5], 32), [10, 5]);
  const net = buildNet();
  const optimizer = make(name)();
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new MSE();
  const step = () => {
    const [, grad] = loss.compute(net.forward(data), target, { queryError: false });
    optimizer.zeroGradParams();
    net.backward(grad);
    optimizer.update();
  };
  for (let i = 0; i < steps; i++) step();
  return { net, optimizer, step, dispose: () => [data, target, optimizer, net, loss].forEach((x) => x.dispose()) };
}

function stateCount(name: OptimizerName): number {
  return { SGD: 0, MomentumSGD: 1, NesterovSGD: 1, RMSProp: 1, Adam: 2, AdaGrad: 1, AdaDelta: 2, SMORMS3: 3, RMSPropGraves: 3 }[name];
}

/** One step of PuzzleLib's formula in float64, with its gradient G = -g: the weights and states after it. */
const FLOAT64: Record<OptimizerName, (w: number, g: number, s: Record<string, number>, h: Record<string, number>) => Record<string, number>> = {
  SGD: (w, g, _s, { learnRate: lr }) => ({ param: w + lr * -g }),
  MomentumSGD: (w, g, { mom }, { learnRate: lr, momRate: mr }) => {
    const m = mr * mom + lr * -g;
    return { param: w + m, mom: m };
  },
  NesterovSGD: (w, g, { mom }, { learnRate: lr, momRate: mr }) =>
    ({ param: w + mr * mr * mom + (1 + mr) * lr * -g, mom: mr * mom + lr * -g }),
  RMSProp: (w, g, { ms }, { learnRate: lr, factor, epsilon }) => {
    const m = factor * ms + (1 - factor) * g * g;
    return { param: w + lr * -g / (Math.sqrt(m) + epsilon), ms: m };
  },
  Adam: (w, g, { mg, ms }, { alpha, beta1, beta2, epsilon }) => {
    const lr = alpha * Math.sqrt(1 - beta2) / (1 - beta1);
    const mgP = -mg + (1 - beta1) * (-g - -mg); // PuzzleLib's mg is ours negated
    const m = ms + (1 - beta2) * (g * g - ms);
    return { param: w + lr * mgP / (Math.sqrt(m) + epsilon), mg: -mgP, ms: m };
  },
  AdaGrad: (w, g, { h }, { learnRate: lr, epsilon }) => {
    const h1 = h + g * g;
    return { param: w + lr * -g / (Math.sqrt(h1) + epsilon), h: h1 };
  },
  AdaDelta: (w, g, { msg, msdx }, { rho, epsilon }) => {
    const msg1 = msg + (1 - rho) * (g * g - msg);
    const dx = Math.sqrt((msdx + epsilon) / (msg1 + epsilon)) * -g;
    return { param: w + dx, msg: msg1, msdx: msdx + (1 - rho) * (dx * dx - msdx) };
  },
  SMORMS3: (w, g, { mem, mg, ms }, { learnRate: lr, epsilon }) => {
    const r = 1 / (mem + 1);
    const mgP = (1 - r) * -mg + r * -g;
    const ms1 = (1 - r) * ms + r * g * g;
    const x = mgP * mgP / (ms1 + epsilon);
    return { param: w + -g * Math.min(lr, x) / (Math.sqrt(ms1) + epsilon), mem: 1 + mem * (1 - x), mg: -mgP, ms: ms1 };
  },
  RMSPropGraves: (w, g, { mg, ms, delta }, { learnRate: lr, alpha, momRate, epsilon }) => {
    const mgP = alpha * -mg + (1 - alpha) * -g;
    const ms1 = alpha * ms + (1 - alpha) * g * g;
    const d = momRate * delta + lr * -g / Math.sqrt(ms1 - mgP * mgP + epsilon);
    return { param: w + d, mg: -mgP, ms: ms1, delta: d };
  },
};

/** States as PuzzleLib's calcTests draw them: squares plus one where a root or a quotient needs them positive. */
function calcTestState(name: OptimizerName, key: string, random: Random): number {
  const square = 1 + random.normal() ** 2;
  if (name === "SMORMS3") return key === "mem" ? square : key === "ms" ? random.normal() ** 2 + 0.5 : random.normal();
  if (name === "RMSPropGraves" && key === "ms") return square + 4;
  return ["ms", "h", "msg", "msdx"].includes(key) ? square : random.normal();
}

describe("each optimizer's js reference against PuzzleLib's formula in float64", () => {
  it.each(NAMES)("%s: one step from PuzzleLib's calcTest states is within a few float32 ULP", async (name) => {
    await init({ device: "js" });
    const random = new Random(name.length + 90);
    const optimizer = make(name)();
    const hyper = optimizer.hyperParameters as Record<string, number>;
    const net = buildNet();
    optimizer.setupOn(net, { useGlobalState: false });
    const before = [...net.getVarTable()].map(([variable, [key]]) => {
      const size = variable.data.size;
      const w = Float32Array.from({ length: size }, () => random.normal());
      const g = Float32Array.from({ length: size }, () => random.normal());
      const state = optimizer.getState(key);
      const values = Object.fromEntries(Object.keys(state).map((s) => [s, Float32Array.from({ length: size }, () => calcTestState(name, s, random))]));
      variable.data.set(w);
      variable.grad.set(g);
      for (const [s, array] of Object.entries(state)) array.set(values[s]);
      return { variable, key, w, g, values };
    });
    optimizer.update();
    let worst = 0;
    for (const { variable, key, w, g, values } of before) {
      const state = optimizer.getState(key);
      const got: Record<string, Float32Array> = { param: variable.data.get(), ...Object.fromEntries(Object.entries(state).map(([s, a]) => [s, a.get()])) };
      for (let i = 0; i < w.length; i++) {
        const expected = FLOAT64[name](w[i], g[i], Object.fromEntries(Object.keys(values).map((s) => [s, values[s][i]])), hyper);
        for (const [s, value] of Object.entries(expected)) worst = Math.max(worst, distance(got[s][i], value));
      }
    }
    optimizer.dispose();
    net.dispose();
    expect(worst).toBeLessThanOrEqual(name === "SMORMS3" ? 2 * ULP_BOUND : ULP_BOUND);
  });
});

/**
 * How far one float32 step may be from the float64 formula, in float32 ULPs of the value
 * or, for values below 1 in magnitude, of 1: a few roundings of half an ULP each, and
 * where a sum of two terms of about 1 cancels (mom = momRate*mom - lr*g), their error
 * is an ULP of 1, not of the small result (PuzzleLib's calcTests use an absolute tolerance).
 * SMORMS3 gets twice that: its mem = 1 + mem*(1 - x) multiplies the cancellation in 1 - x
 * (x near 1) by mem, which calcTest draws up to about 10.
 */
const ULP_BOUND = 4;

/** |got - expected| in float32 ULPs of max(|expected|, 1). */
function distance(got: number, expected: number): number {
  if (Number.isNaN(got) || Number.isNaN(expected)) return Number.isNaN(got) && Number.isNaN(expected) ? 0 : Infinity;
  const scale = Math.max(Math.abs(expected), 1);
  const ulp = 2 ** (Math.floor(Math.log2(scale)) - 23);
  return Math.abs(got - expected) / ulp;
}

describe("hyper-parameters", () => {
  const bad: [string, unknown[]][] = [
    ["any", [NaN, Infinity, -Infinity, "0.1", null, {}]],
    ["learnRate", [-1e-3]], ["alpha", [-1]], ["momRate", [1, 1.5, -0.1]], ["factor", [1, -0.5]], ["beta1", [1, 2]],
    ["beta2", [1, -1]], ["rho", [0, 1, 1.2]], ["epsilon", [0, -1e-8]],
  ];
  it.each(NAMES)("%s refuses every value outside a hyper-parameter's range, at construction and when set, changing nothing", (name) => {
    const optimizer = new OPTIMIZERS[name]() as unknown as Optimizer & Record<string, number>;
    const defaults = { ...optimizer.hyperParameters } as Record<string, number>;
    let refused = 0;
    for (const key of Object.keys(defaults)) {
      for (const value of bad.filter(([k]) => k === key || k === "any").flatMap(([, values]) => values)) {
        expect(() => new OPTIMIZERS[name]({ [key]: value } as never), `${name}({ ${key}: ${String(value)} })`)
          .toThrow(InvalidArgumentError);
        expect(() => (optimizer[key] = value as number)).toThrow(new RegExp(`^${key} is .*; expected a finite number`));
        expect(optimizer.hyperParameters).toEqual(defaults);
        refused++;
      }
    }
    expect(refused).toBeGreaterThanOrEqual(6 * Object.keys(defaults).length);
    expect(() => new OPTIMIZERS[name]({ learnRat: 0.1 } as never)).toThrow(/unknown option "learnRat"/);
  });
});

describe("Adam's bias-corrected rate", () => {
  it("comes from powers by squaring (exact where the powers are exact), within float32 rounding of the Math.pow formula", () => {
    expect(powInt(0.5, 1074)).toBe(2 ** -1074);
    expect(powInt(3, 20)).toBe(3486784401);
    expect(powInt(0.9, 0)).toBe(1);
    const h = { alpha: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    for (const t of [1, 2, 3, 10, 1000, 99_999, 100_000]) {
      const withPow = h.alpha * Math.sqrt(1 - h.beta2 ** t) / (1 - h.beta1 ** t);
      const rate = adamLearnRate(h, t);
      expect(Math.abs(rate - withPow) / withPow, `t = ${t}`).toBeLessThan(1e-7);
      expect(rate).toBe(Math.fround(rate));
    }
  });
});
