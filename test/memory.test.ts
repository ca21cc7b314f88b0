import { describe, it, expect } from "vitest";
import { getDevice, init, DeviceArray, randn } from "../src/index.js";
import { seedSetup } from "../src/reproducibility.js";
import type { WasmDevice } from "../src/devices/wasm/index.js";

describe.each(["wasm-simd", "wasm"] as const)("WebAssembly memory on %s", (name) => {
  it("growing memory keeps every live array's values, and freed blocks are reused", async () => {
    const device = (await getDevice(name)) as WasmDevice;
    const small = DeviceArray.allocate(device, [1000]);
    small.set(randn([1000], 1));
    const before = device.memoryUsage();
    const big = DeviceArray.allocate(device, [before.memoryBytes / 4 + 1000]); // forces growth
    expect(device.memoryUsage().memoryBytes).toBeGreaterThan(before.memoryBytes);
    expect(small.get()).toEqual(randn([1000], 1));
    big.fill(2);
    expect(big.get()[big.size - 1]).toBe(2);
    big.dispose();
    const grown = device.memoryUsage().memoryBytes;
    const again = DeviceArray.allocate(device, [big.size]);
    expect(device.memoryUsage().memoryBytes).toBe(grown);
    expect(again.get().every((v) => v === 0)).toBe(true); // reused storage comes back zeroed
    again.dispose();
    small.dispose();
    expect(device.memoryUsage().usedBytes).toBe(before.usedBytes - 4000);
  });

  it("training steps and dispose() leave memory flat", async () => {
    const device = (await init({ device: name })) as WasmDevice;
    const start = device.memoryUsage().usedBytes;
    const seed = seedSetup();
    seed.step();
    const afterOne = device.memoryUsage();
    for (let i = 0; i < 1000; i++) seed.step();
    expect(device.memoryUsage()).toEqual(afterOne);
    seed.dispose();
    expect(device.memoryUsage().usedBytes).toBe(start);
  });
});
