// 10,000 training steps (a fifth on softpipe's webgl2) leave device memory flat, and dispose() gives it all back.
import { describe, it, expect } from "vitest";
import { init, WasmDevice, WebGL2Device, type Device } from "../src/index.js";
import { seedSetup } from "../src/reproducibility.js";
import { devicesUnderTest, repetitions } from "./helpers.js";

/** What a device holds: WebAssembly bytes in use and memory size, or live textures. js arrays are garbage-collected. */
function holdings(device: Device): Record<string, number> {
  if (device instanceof WasmDevice) {
    const { usedBytes, memoryBytes } = device.memoryUsage();
    return { usedBytes, memoryPages: memoryBytes / 65536 };
  }
  if (device instanceof WebGL2Device) {
    device.releaseCaches();
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
    seed.step();
    const afterOne = holdings(device);
    // Without the error read-back, as a GPU training loop would run.
    for (let i = 1; i < steps; i++) seed.step(i % 1000 === 0);
    expect(holdings(device)).toEqual(afterOne);
    seed.dispose();
    expect(holdings(device)).toEqual(start);
  });
});
