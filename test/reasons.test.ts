// Node only: a device whose capability check passes but whose opening fails (here
// WebAssembly compilation refused, as a page's CSP refuses it) is reported with that
// reason by init()'s error and by availableDevices() alike, never as available.
import { describe, it, expect, vi } from "vitest";
import { init, availableDevices, DeviceUnavailableError } from "../src/index.js";

describe("reasons a device cannot run", () => {
  it("come from the same opening in init()'s error and in availableDevices()", async () => {
    const refusal = new Error("Wasm code generation disallowed by embedder");
    const compile = vi.spyOn(WebAssembly, "compile").mockRejectedValue(refusal);
    try {
      const error = await init({ device: "wasm-simd" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeviceUnavailableError);
      const message = (error as Error).message;
      expect(message).toMatch(/  wasm-simd: WebAssembly cannot be compiled here \(Wasm code generation disallowed/);
      expect(message).toMatch(/  wasm: WebAssembly cannot be compiled here .*'wasm-unsafe-eval'/);
      expect(message).toMatch(/  js: available/);
      const statuses = await availableDevices();
      for (const name of ["wasm-simd", "wasm"] as const) {
        const status = statuses.find((s) => s.name === name)!;
        expect(status.available).toBe(false);
        expect(status.reason).toBe((error as DeviceUnavailableError).reasons.get(name));
      }
    } finally {
      compile.mockRestore();
    }
  });
});
