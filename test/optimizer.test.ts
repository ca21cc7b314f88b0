// Issue 5's optimizer semantics, on every device: hooks, multipliers, non-finite
// gradients, save/load across devices, and the bad input of each.
import { describe, it, expect } from "vitest";
import {
  init, gpuarray, randn, Sequential, Linear, Activation, tanh, RMSPropGraves, WeightDecay, MSE,
  NonFiniteGradientError, StateFormatError, InvalidArgumentError, type DeviceName, type Module, type Device,
} from "../src/index.js";
import * as reference from "../src/devices/js/reference.js";
import { kernel } from "../src/runtime/kernels.js";
import { gravesScalars, GRAVES_DEFAULTS } from "../src/optimizers/RMSPropGraves.js";
import { devicesUnderTest, expectSameBits } from "./helpers.js";

const HYPER = { learnRate: 0.01, alpha: 0.9, momRate: 0.5, epsilon: 1e-3 };

function smallNet(): Module {
  return new Sequential([new Linear(5, 4, { seed: 71 }), new Activation(tanh), new Linear(4, 3, { seed: 72 })]);
}

/** Every variable's data, by first name (read back asynchronously, as webgpu must). */
async function weightsOf(net: Module): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [v, [name]] of net.getVarTable()) out.set(name, await v.data.read());
  return out;
}

async function stateOf(optimizer: RMSPropGraves, net: Module): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [, [name]] of net.getVarTable()) {
    for (const [key, a] of Object.entries(optimizer.getState(name))) out.set(`${name}.${key}`, await a.read());
  }
  return out;
}

/** What saveAsync() writes; where reading back is synchronous (not webgpu), save() must write the same bytes. */
async function savedBytes(optimizer: RMSPropGraves, device: DeviceName): Promise<Uint8Array> {
  const bytes = await optimizer.saveAsync();
  if (device !== "webgpu") expect(optimizer.save()).toEqual(bytes);
  return bytes;
}

function expectSameMaps(a: Map<string, Float32Array>, b: Map<string, Float32Array>, what: string) {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [name, values] of a) expectSameBits(values, b.get(name)!, `${what} ${name}`);
}

/** Trains smallNet() for `steps` on fixed data; `configure` may set multipliers or hooks first. */
async function run(device: DeviceName, { steps = 5, useGlobalState = true, configure = (_n: Module, _o: RMSPropGraves) => {} } = {}) {
  await init({ device });
  const data = gpuarray.toGpu(randn([6, 5], 73), [6, 5]);
  const target = gpuarray.toGpu(randn([6, 3], 74), [6, 3]);
  const net = smallNet();
  const optimizer = new RMSPropGraves(HYPER);
  optimizer.setupOn(net, { useGlobalState });
  configure(net, optimizer);
  const loss = new MSE();
  const trainStep = () => {
    const [, grad] = loss.compute(net.forward(data), target, { queryError: false });
    optimizer.zeroGradParams();
    net.backward(grad);
    return optimizer.update();
  };
  for (let i = 0; i < steps; i++) trainStep();
  return { net, optimizer, trainStep, dispose: () => [data, target, optimizer, net, loss].forEach((x) => x.dispose()) };
}

describe.each(devicesUnderTest())("optimizer semantics on %s", (device) => {
  it("WeightDecay adds rate * wc * w to W's gradient and leaves b's alone, as the reference computes", async () => {
    const rate = 0.25;
    const { net, optimizer, dispose } = await run(device, { steps: 0, configure: (_n, o) => o.addHook(new WeightDecay(rate)) });
    const W = net.getVar("0.W");
    const b = net.getVar("0.b");
    expect([W.wc, b.wc]).toEqual([1, 0]);
    const grads = new Map([...net.getVarTable()].map(([v, [name]]) => {
      const g = randn([v.data.size], name.length + 80);
      v.grad.set(g);
      return [name, g];
    }));
    const before = await weightsOf(net);
    optimizer.update();
    const s = gravesScalars({ ...GRAVES_DEFAULTS, ...HYPER });
    for (const [variable, [name]] of net.getVarTable()) {
      const w = before.get(name)!.slice();
      const g = grads.get(name)!.slice();
      if (variable.wc) reference.elementwise("addScaled", { x: w, y: g }, { scale: Math.fround(rate * variable.wc) });
      const zeros = () => new Float32Array(w.length);
      reference.elementwise("rmspropGraves", { param: w, grad: g, mg: zeros(), ms: zeros(), delta: zeros() }, s);
      expectSameBits(await variable.data.read(), w, name);
    }
    dispose();
  });

  it("hooks and per-variable multipliers give the same bits with global and local state", async () => {
    const configure = (net: Module, optimizer: RMSPropGraves) => {
      optimizer.addHook(new WeightDecay(0.01));
      net.getVar("0.W").learnRate = 0.5;
      net.getVar("0.b").momRate = 0.25;
      net.getVar("2.W").learnRate = 2;
    };
    const global = await run(device, { configure });
    const local = await run(device, { configure, useGlobalState: false });
    expectSameMaps(await weightsOf(global.net), await weightsOf(local.net), "weights");
    expectSameMaps(await stateOf(global.optimizer, global.net), await stateOf(local.optimizer, local.net), "state");
    const js = await run("js", { configure });
    expectSameMaps(await weightsOf(global.net), await weightsOf(js.net), "weights against js");
    [global, local, js].forEach((r) => r.dispose());
  });

  it("with global state one update is one kernel call, multipliers or not", async () => {
    const { net, optimizer, dispose } = await run(device, { steps: 0 });
    net.getVar("0.W").learnRate = 0.5;
    net.getVar("2.b").momRate = 0.5;
    const target = net.getVar("0.W").data.device as Device;
    const table = target.kernels as { rmspropGraves: typeof original };
    const original = kernel(target, "rmspropGraves");
    let calls = 0;
    table.rmspropGraves = (...args) => {
      calls++;
      return original(...args);
    };
    try {
      optimizer.update();
    } finally {
      table.rmspropGraves = original;
    }
    expect(calls).toBe(1);
    dispose();
  });

  it("more runs of multipliers than one draw call takes still match local state", async () => {
    await init({ device });
    const layers = Array.from({ length: 20 }, (_, i) => new Linear(3, 3, { seed: 90 + i }));
    const build = () => new Sequential(layers.map((_, i) => new Linear(3, 3, { seed: 90 + i })));
    const results = [true, false].map((useGlobalState) => {
      const net = build();
      const optimizer = new RMSPropGraves(HYPER);
      optimizer.setupOn(net, { useGlobalState });
      [...net.getVarTable().keys()].forEach((v, i) => (v.learnRate = 1 + (i % 3)));
      for (const v of net.getVarTable().keys()) v.grad.set(randn([v.data.size], v.data.size + 5));
      optimizer.update();
      return { net, optimizer };
    });
    expectSameMaps(await weightsOf(results[0].net), await weightsOf(results[1].net), "weights");
    layers.forEach((l) => l.dispose());
    results.forEach(({ net, optimizer }) => [optimizer, net].forEach((x) => x.dispose()));
  });

  it("state saved here loads on every device and training continues bit-identically", async () => {
    for (const useGlobalState of [true, false]) {
      const straight = await run("js", { steps: 10, useGlobalState });
      const first = await run(device, { steps: 4, useGlobalState });
      const saved = await savedBytes(first.optimizer, device);
      const weights = await weightsOf(first.net);
      for (const other of new Set([...devicesUnderTest(), "js" as const])) {
        const second = await run(other, { steps: 0, useGlobalState: !useGlobalState });
        for (const [variable, [name]] of second.net.getVarTable()) variable.data.set(weights.get(name)!);
        second.optimizer.load(saved);
        expect(second.optimizer.getAttrDict()).toEqual(first.optimizer.getAttrDict());
        for (let i = 0; i < 6; i++) second.trainStep();
        expect(second.optimizer.t).toBe(10);
        expectSameMaps(await weightsOf(second.net), await weightsOf(straight.net), `${device}→${other} weights`);
        expectSameMaps(await stateOf(second.optimizer, second.net), await stateOf(straight.optimizer, straight.net),
          `${device}→${other} state`);
        second.dispose();
      }
      [straight, first].forEach((r) => r.dispose());
    }
  });

  it("save() writes safetensors: header length, F32 tensors named <var>.<state>, attributes in metadata", async () => {
    const { optimizer, dispose } = await run(device, { steps: 2 });
    const bytes = await savedBytes(optimizer, device);
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header.__metadata__).toMatchObject({ optimizer: "RMSPropGraves", t: "2", learnRate: "0.01", alpha: "0.9", momRate: "0.5", epsilon: "0.001" });
    expect(Object.keys(header).filter((k) => k !== "__metadata__").sort()).toEqual(
      ["0.W", "0.b", "2.W", "2.b"].flatMap((v) => ["delta", "mg", "ms"].map((s) => `${v}.${s}`)).sort());
    expect(header["0.W.ms"]).toMatchObject({ dtype: "F32", shape: [5, 4] });
    const [begin, end] = header["0.W.ms"].data_offsets;
    const ms = new Float32Array(bytes.slice(8 + headerLength + begin, 8 + headerLength + end).buffer);
    expectSameBits(ms, await optimizer.getState("0.W").ms.read(), "0.W.ms in the file");
    dispose();
  });

  it("load() refuses garbage, truncation, another optimizer's and another net's state, changing nothing", async () => {
    const { net, optimizer, dispose } = await run(device, { steps: 2 });
    const good = await savedBytes(optimizer, device);
    const state = await stateOf(optimizer, net);
    const attrs = optimizer.getAttrDict();
    const withHeader = (edit: (h: Record<string, any>) => void) => {
      const length = Number(new DataView(good.buffer).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(good.subarray(8, 8 + length)));
      edit(header);
      const json = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + json.length + good.length - 8 - length);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      out.set(good.subarray(8 + length), 8 + json.length);
      return out;
    };
    await init({ device });
    const otherShape = new RMSPropGraves();
    const reshaped = new Sequential([new Linear(5, 4, { seed: 1 }), new Activation(tanh), new Linear(4, 2, { seed: 2 })]);
    otherShape.setupOn(reshaped);
    const cases: [string, unknown, RegExp][] = [
      ["not bytes", "hello", /expected the Uint8Array that save\(\) returned/],
      ["too short", new Uint8Array(3), /got 3 bytes; a safetensors file has at least 8/],
      ["garbage", Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 255), /header claims \d+ bytes|not valid JSON/],
      ["truncated", good.slice(0, good.length - 10), /truncated/],
      ["header cut", good.slice(0, 40), /truncated or not a safetensors file/],
      ["bad JSON", withHeader(() => {}).map((b, i) => (i === 9 ? 0x7b : b)), /not valid JSON/],
      ["another optimizer", withHeader((h) => (h.__metadata__.optimizer = "Adam")), /saved by "Adam"; this is RMSPropGraves/],
      ["another net", await otherShape.saveAsync(), /shape \[4, 2\]|missing|another net/],
      ["wrong dtype", withHeader((h) => (h["0.W.mg"].dtype = "F16")), /dtype "F16"; expected "F32"/],
      ["bad hyper-parameter", withHeader((h) => (h.__metadata__.alpha = "1.5")), /saved alpha is 1\.5; expected a finite number in \[0, 1\)/],
      ["bad t", withHeader((h) => (h.__metadata__.t = "-1")), /saved t is "-1"; expected a non-negative integer/],
      ["missing tensor", withHeader((h) => delete h["2.b.delta"]), /missing "2\.b\.delta"/],
    ];
    for (const [what, bytes, message] of cases) {
      let error: unknown;
      try {
        optimizer.load(bytes as Uint8Array);
      } catch (e) {
        error = e;
      }
      expect(error, what).toBeInstanceOf(StateFormatError);
      expect(error, what).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message, what).toMatch(message);
      expectSameMaps(await stateOf(optimizer, net), state, `state after ${what}`);
      expect(optimizer.getAttrDict(), what).toEqual(attrs);
    }
    [otherShape, reshaped].forEach((x) => x.dispose());
    dispose();
  });

  it("a gradient of the wrong size, a disposed variable or a bad snapshotEvery is refused, changing nothing", async () => {
    const { net, optimizer, dispose } = await run(device, { steps: 1 });
    const weights = await weightsOf(net);
    const variable = net.getVar("2.b");
    const grad = variable.grad;
    variable.grad = gpuarray.zeros([7]);
    expect(() => optimizer.update()).toThrow(/variable "2\.b" holds other arrays than at setupOn\(\)/);
    variable.grad = grad;
    const local = await run(device, { steps: 1, useGlobalState: false });
    local.net.getVar("0.W").data.dispose();
    expect(() => local.optimizer.update()).toThrow(/was disposed/);
    expect(local.optimizer.t).toBe(1);
    expect(() => (optimizer.snapshotEvery = 0)).toThrow(/snapshotEvery is 0; expected a positive integer/);
    expect(() => new RMSPropGraves({ snapshotEvery: 2.5 })).toThrow(/snapshotEvery is 2\.5/);
    expect(optimizer.t).toBe(1);
    expectSameMaps(await weightsOf(net), weights, "weights");
    dispose();
    local.dispose();
  });

  it("a function is a hook too; anything else is refused", async () => {
    const seen: string[] = [];
    const { dispose } = await run(device, { steps: 1, configure: (_n, o) => o.addHook((_v, name) => seen.push(name)) });
    expect(seen).toEqual(["0.W", "0.b", "2.W", "2.b"]);
    dispose();
    const optimizer = new RMSPropGraves();
    expect(() => optimizer.addHook(42 as never)).toThrow(/addHook\(\) got 42; expected a function or an object with apply/);
    expect(() => new WeightDecay(-1)).toThrow(/WeightDecay rate is -1; expected a finite number >= 0/);
    expect(() => new RMSPropGraves({ nonFinite: "never" as never })).toThrow(/nonFinite is "never"/);
  });
});

// Not on webgpu: there a non-finite gradient is reported at the next read, not by update(),
// and "skip" is refused (test/webgpu/training.ts checks both).
describe.each(devicesUnderTest({ webgpu: false }))("non-finite gradients on %s", (device) => {
  it.each([["NaN", NaN], ["Infinity", Infinity], ["-Infinity", -Infinity]] as const)(
    "a %s gradient: throw leaves weights and state untouched, skip skips, training goes on", async (_, bad) => {
      const { net, optimizer, trainStep, dispose } = await run(device, { steps: 3 });
      const weights = await weightsOf(net);
      const state = await stateOf(optimizer, net);
      const poisoned = () => {
        const g = net.getVar("2.W").grad.get();
        g[5] = bad;
        net.getVar("2.W").grad.set(g);
      };
      poisoned();
      let error: unknown;
      try {
        optimizer.update();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NonFiniteGradientError);
      expect((error as NonFiniteGradientError).variables).toEqual(["2.W"]);
      expect((error as Error).message).toMatch(/the gradient of "2\.W" has 1 NaN or infinite values; the weights and the optimizer state were left as they were/);
      expect(optimizer.t).toBe(3);
      expectSameMaps(await weightsOf(net), weights, "weights after refusal");
      expectSameMaps(await stateOf(optimizer, net), state, "state after refusal");

      optimizer.nonFinite = "skip";
      expect(optimizer.update()).toBe(false);
      expect([optimizer.t, optimizer.skippedSteps]).toEqual([3, 1]);
      expectSameMaps(await weightsOf(net), weights, "weights after a skipped step");

      expect(trainStep()).toBe(true); // the next good batch trains
      expect(optimizer.t).toBe(4);

      optimizer.nonFinite = "off";
      poisoned();
      expect(optimizer.update()).toBe(true);
      expect(Number.isFinite(net.getVar("2.W").data.get()[5])).toBe(false);
      expect(() => (optimizer.nonFinite = "warn" as never)).toThrow(/nonFinite is "warn"; expected one of "throw", "skip", "off"/);
      dispose();
    });
});
