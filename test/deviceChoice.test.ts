// Node only (not in the browser project, where webgl2 does run): naming a device that
// cannot run here is refused with every device's reason.
import { describe, it, expect } from "vitest";
import { init, DeviceUnavailableError } from "../src/index.js";

describe("choosing a device in Node", () => {
  it("naming a device that cannot run here lists every device and why", async () => {
    const error = await init({ device: "webgl2" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceUnavailableError);
    expect((error as Error).message).toMatch(
      /device "webgl2" cannot run here:\n  webgpu: navigator.gpu is undefined.*\n  webgl2: .+\n  wasm-simd: available/);
    expect((error as DeviceUnavailableError).reasons.get("webgl2")).toBeTruthy();
    expect((error as DeviceUnavailableError).reasons.get("webgpu")).toMatch(/no WebGPU/);
  });
});
