import { describe, it, expect } from "vitest";
import { getDevice, DeviceArray, randn } from "../src/index.js";
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

});
