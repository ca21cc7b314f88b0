import { describe, it, expect } from "vitest";
import { init, gpuarray, randn, Sequential, Linear, Activation, tanh, MSE } from "../src/index.js";
import { kernel } from "../src/runtime/kernels.js";
import { computeCost, devicesUnderTest, expectSameBits, train } from "./helpers.js";

describe.each(devicesUnderTest())("training on %s", (device) => {
  it("backward agrees with central finite differences on a two-layer net", async () => {
    await init({ device });
    const data = gpuarray.toGpu(randn([4, 6], 41), [4, 6]);
    const target = gpuarray.toGpu(randn([4, 3], 42), [4, 3]);
    const net = new Sequential([new Linear(6, 5, { seed: 43 }), new Activation(tanh), new Linear(5, 3, { seed: 44 })]);
    const loss = new MSE();
    const error = () => computeCost(loss, net.forward(data), target).error();
    net.backward(loss.compute(net.forward(data), target, { queryError: false })[1]);

    const h = 1e-2;
    let checked = 0;
    for (const [variable, [name]] of net.getVarTable()) {
      const analytic = await variable.grad.read();
      const values = await variable.data.read();
      for (let i = 0; i < values.length; i++) {
        const perturbed = values.slice();
        perturbed[i] = values[i] + h;
        variable.data.set(perturbed);
        const up = await error();
        perturbed[i] = values[i] - h;
        variable.data.set(perturbed);
        const down = await error();
        variable.data.set(values);
        const numeric = (up - down) / (2 * h);
        expect(Math.abs(numeric - analytic[i]), `${name}[${i}]: numeric ${numeric}, backward ${analytic[i]}`)
          .toBeLessThanOrEqual(1e-2 * Math.abs(analytic[i]) + 1e-4);
        checked++;
      }
    }
    expect(checked).toBe(6 * 5 + 5 + 5 * 3 + 3);
    net.dispose();
    loss.dispose();
  });

  it("backward with updGrad false skips the input gradient only, and gives the same variable gradients", async () => {
    const target = await init({ device });
    const data = gpuarray.toGpu(randn([4, 6], 45), [4, 6]);
    const build = () => new Sequential([new Linear(6, 5, { seed: 46 }), new Activation(tanh), new Linear(5, 3, { seed: 47 })]);
    const gradients = async (net: Sequential, updGrad: boolean) => {
      const dy = gpuarray.toGpu(randn([4, 3], 48), [4, 3]);
      net.forward(data);
      const table = target.kernels as { matmul: typeof original };
      const original = kernel(target, "matmul");
      let products = 0;
      table.matmul = (...args) => {
        products++;
        return original(...args);
      };
      let dx;
      try {
        dx = net.backward(dy, { updGrad });
      } finally {
        table.matmul = original;
      }
      return { dx, products, grads: await Promise.all([...net.getVarTable().keys()].map((v) => v.grad.read())) };
    };
    const [full, skipped] = [build(), build()];
    const all = await gradients(full, true);
    const some = await gradients(skipped, false);
    expect(all.dx?.shape).toEqual([4, 6]);
    expect(some.dx).toBeNull();
    // Two products per Linear, but for the first layer's input gradient.
    expect([all.products, some.products]).toEqual([4, 3]);
    all.grads.forEach((g, i) => expectSameBits(some.grads[i], g, `gradient ${i}`));
    [full, skipped].forEach((net) => net.dispose());
  });

  it("global and local optimizer state give the same bits", async () => {
    const global = await train(device, { useGlobalState: true });
    const local = await train(device, { useGlobalState: false });
    expect(global.errors).toEqual(local.errors);
    for (const [name, values] of global.weights) expectSameBits(values, local.weights.get(name)!, name);
    for (const [name, values] of global.state) expectSameBits(values, local.state.get(name)!, name);
  });

  it("the error falls and every weight, error and state array has the js device's bits", async () => {
    const result = await train(device, { steps: 60 });
    const reference = await train("js", { steps: 60 });
    expect(result.errors[59]).toBeLessThan(result.errors[0] / 4);
    expect(result.errors.every(Number.isFinite)).toBe(true);
    expect(result.errors).toEqual(reference.errors);
    for (const [name, values] of reference.weights) expectSameBits(result.weights.get(name)!, values, name);
    for (const [name, values] of reference.state) expectSameBits(result.state.get(name)!, values, name);
  });
});
