// Module.saveAsync() / load(): the weights as safetensors, on every device, across devices.
import { describe, it, expect } from "vitest";
import {
  init, gpuarray, randn, RMSPropGraves, MSE, StateFormatError, Linear, Sequential, Activation, tanh, relu, sigmoid,
  type DeviceName, type Module,
} from "../src/index.js";
import { buildNet, devicesUnderTest, expectSameBits } from "./helpers.js";

/** buildNet() with its own seeds on `device`, trained `steps` steps by RMSPropGraves; weights by name. */
async function session(device: DeviceName) {
  await init({ device });
  const data = gpuarray.toGpu(randn([10, 24], 31), [10, 24]);
  const target = gpuarray.toGpu(randn([10, 5], 32), [10, 5]);
  const net = buildNet();
  const optimizer = new RMSPropGraves({ learnRate: 0.01 });
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new MSE();
  return {
    net, optimizer,
    train(steps: number) {
      for (let i = 0; i < steps; i++) {
        const [, grad] = loss.compute(net.forward(data), target, { queryError: false });
        optimizer.zeroGradParams();
        net.backward(grad);
        optimizer.update();
      }
    },
    dispose() {
      for (const thing of [data, target, loss, optimizer, net]) thing.dispose();
    },
  };
}

async function weightsOf(net: Module): Promise<Map<string, Float32Array>> {
  const weights = new Map<string, Float32Array>();
  for (const [v, [name]] of net.getVarTable()) weights.set(name, await v.data.read());
  return weights;
}

// Saved with saveAsync(), the way on every device (save() writes the same bytes: test/optimizers.test.ts).
describe.each(devicesUnderTest())("weights saved on %s", (device) => {
  it("load on every device, and training goes on bit-identically", async () => {
    const straight = await session("js");
    straight.train(8);
    const first = await session(device);
    first.train(4);
    const [weights, state] = [await first.net.saveAsync(), await first.optimizer.saveAsync()];
    for (const other of devicesUnderTest()) {
      const second = await session(other);
      second.train(1); // different weights and state, overwritten below
      second.net.load(weights);
      second.optimizer.load(state);
      for (const [name, values] of await weightsOf(first.net)) expectSameBits(await second.net.getVar(name).data.read(), values, `${name} loaded`);
      second.train(4);
      for (const [name, values] of await weightsOf(straight.net)) {
        expectSameBits(await second.net.getVar(name).data.read(), values, `${device}→${other} ${name} after 8 steps`);
      }
      second.dispose();
    }
    [straight, first].forEach((s) => s.dispose());
  });

  it("are one F32 tensor per variable, named and shaped as in the module", async () => {
    const { net, dispose } = await session(device);
    const bytes = await net.saveAsync();
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    expect(header.__metadata__).toEqual({ format: "portable-optim.weights.v1" });
    expect(Object.keys(header).filter((k) => k !== "__metadata__").sort()).toEqual(["0.W", "0.b", "2.W", "4.W", "4.b", "6.W", "6.b"]);
    expect(header["0.W"]).toMatchObject({ dtype: "F32", shape: [24, 16] });
    const [begin, end] = header["2.W"].data_offsets;
    expectSameBits(new Float32Array(bytes.slice(8 + length + begin, 8 + length + end).buffer), await net.getVar("2.W").data.read(),
      "2.W in the file");
    dispose();
  });

  it("load() refuses another net's weights, other shapes, optimizer state and garbage, changing nothing", async () => {
    const { net, optimizer, dispose } = await session(device);
    const before = await weightsOf(net);
    const other = new Sequential([new Linear(24, 16, { seed: 1 }), new Linear(16, 5, { seed: 2 })]);
    const reshaped = new Sequential([new Linear(24, 16), new Activation(tanh), new Linear(16, 12, { useBias: false }),
      new Activation(relu), new Linear(12, 8), new Activation(sigmoid), new Linear(8, 3)]);
    const cases: [string, unknown, RegExp][] = [
      ["not bytes", [1, 2, 3], /expected the Uint8Array that save\(\) returned/],
      ["truncated", (await net.saveAsync()).slice(0, 100), /truncated/],
      ["optimizer state", await optimizer.saveAsync(), /saved format is "portable-optim\/1"; expected "portable-optim\.weights\.v1"/],
      ["another net", await other.saveAsync(), /belong to another net: missing "2\.W", "4\.W", .*; unknown "1\.W", "1\.b"/],
      ["other shapes", await reshaped.saveAsync(), /saved "6\.W" has shape \[8, 3\]; this module's is \[8, 5\]/],
    ];
    for (const [what, bytes, message] of cases) {
      expect(() => net.load(bytes as Uint8Array), what).toThrow(StateFormatError);
      expect(() => net.load(bytes as Uint8Array), what).toThrow(message);
    }
    for (const [name, values] of before) expectSameBits(await net.getVar(name).data.read(), values, `${name} unchanged`);
    [other, reshaped].forEach((m) => m.dispose());
    dispose();
  });
});
