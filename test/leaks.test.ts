// 10,000 training steps (a fifth on softpipe's webgl2) leave device memory flat, and dispose() gives it all back;
// a CNN training step allocates nothing after the first.
import { describe, it, expect, vi } from "vitest";
import {
  init, type Device, Sequential, Conv2D, BatchNorm2D, Activation, relu, MaxPool2D, Flatten, Linear,
  RMSPropGraves, CrossEntropy, gpuarray, randn,
} from "../src/index.js";
import { WasmDevice } from "../src/devices/wasm/index.js";
import { WebGL2Device } from "../src/devices/webgl2/index.js";
import { WebGPUDevice } from "../src/devices/webgpu/index.js";
import { seedSetup } from "../src/reproducibility.js";
import { cnnBatch, devicesUnderTest, repetitions } from "./helpers.js";

/**
 * What a device holds: WebAssembly bytes in use and memory size, live textures, or live
 * storage buffers (after a submit, which frees a step's temporaries); GPU devices' caches
 * released first unless told not to. js arrays are garbage-collected.
 */
function holdings(device: Device, { releaseCaches = true } = {}): Record<string, number> {
  if (device instanceof WebGPUDevice) {
    if (releaseCaches) device.releaseCaches();
    device.flush();
    return { buffers: device.bufferCount };
  }
  if (device instanceof WasmDevice) {
    const { usedBytes, memoryBytes } = device.memoryUsage();
    return { usedBytes, memoryPages: memoryBytes / 65536 };
  }
  if (device instanceof WebGL2Device) {
    if (releaseCaches) device.releaseCaches();
    return { textures: device.textureCount };
  }
  throw new Error(`no memory counter for ${device.name}`);
}

describe.each(devicesUnderTest().filter((d) => d !== "js"))("no leaks on %s", (name) => {
  const steps = repetitions(10_000, name);
  it(`${steps} steps of the seed example keep memory flat; dispose() returns it`, async () => {
    const device = await init({ device: name });
    const start = holdings(device);
    const seed = seedSetup();
    // The error read back now and then, synchronously or (webgpu) with readError().
    const sync = !device.readsBackAsync;
    seed.step(sync);
    const afterOne = holdings(device);
    for (let i = 1; i < steps; i++) {
      seed.step(sync && i % 1000 === 0);
      if (!sync && i % 400 === 0) expect(Number.isFinite(await seed.readError())).toBe(true);
    }
    expect(holdings(device)).toEqual(afterOne);
    seed.dispose();
    expect(holdings(device)).toEqual(start);
  });
});

describe.each(devicesUnderTest())("a CNN training step allocates nothing after the first, on %s", (name) => {
  const batch = cnnBatch(64, name);
  it(`the Fashion-MNIST example's CNN at batch ${batch}: no allocate() call and the same device memory over steps 2 and 3`, async () => {
    const device = await init({ device: name });
    // The example's CNN (examples/fashion-mnist-model.ts), built here from the source tree.
    const net = new Sequential([
      new Conv2D(1, 16, 5, { pad: 2, seed: 1 }), new BatchNorm2D(16, { seed: 2 }), new Activation(relu), new MaxPool2D(2, 2),
      new Conv2D(16, 32, 5, { pad: 2, seed: 3 }), new BatchNorm2D(32, { seed: 4 }), new Activation(relu), new MaxPool2D(2, 2),
      new Flatten(), new Linear(32 * 7 * 7, 10, { seed: 5 }),
    ]);
    const optimizer = new RMSPropGraves({ learnRate: 1e-3 });
    optimizer.setupOn(net, { useGlobalState: true });
    const loss = new CrossEntropy();
    const data = gpuarray.zeros([batch, 1, 28, 28]);
    const images = randn([batch * 784], 5);
    const labels = Int32Array.from({ length: batch }, (_, i) => (i * 7) % 10);
    const step = () => {
      data.set(images);
      const [, grad] = loss.compute(net.forward(data), labels, { queryError: false });
      optimizer.zeroGradParams();
      net.backward(grad, { updGrad: false });
      optimizer.update();
    };
    const allocate = vi.spyOn(device, "allocate");
    try {
      step();
      const first = allocate.mock.calls.length;
      expect(first, "the first step allocates its outputs and patches").toBeGreaterThan(0);
      // js arrays are garbage-collected: allocate() is its only counter.
      const counters = () => (name === "js" ? {} : holdings(device, { releaseCaches: false }));
      const held = counters();
      step();
      step();
      expect(allocate.mock.calls.length - first, "allocate() calls after the first step").toBe(0);
      expect(counters()).toEqual(held);
      if (device instanceof WasmDevice) {
        const { usedBytes, memoryBytes } = device.memoryUsage();
        console.log(`CNN step on ${name}: ${(usedBytes / 2 ** 20).toFixed(1)} MiB in use, memory ${(memoryBytes / 2 ** 20).toFixed(1)} MiB`);
      }
    } finally {
      allocate.mockRestore();
      for (const thing of [data, optimizer, net, loss]) thing.dispose();
    }
  });
});
