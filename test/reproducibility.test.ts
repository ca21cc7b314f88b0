import { describe, it, expect } from "vitest";
import { reproducibilityReport, formatReport, currentDevice, init } from "../src/index.js";

describe.each(["keep", "flush"] as const)("cross-device reproducibility report, subnormals %s", (subnormals) => {
  it(subnormals === "keep" ? "every device matches the js reference bit for bit, but for subnormals a GPU flushes"
    : "every device matches the js reference bit for bit, with no exception", async () => {
    // "flush": called without options after init({ subnormals: "flush" }), the report takes
    // the current device's mode; "keep": given explicitly.
    await init({ device: "js", subnormals });
    const report = subnormals === "flush" ? await reproducibilityReport() : await reproducibilityReport({ subnormals });
    console.log(formatReport(report));
    expect(currentDevice().name).toBe("js"); // the report keeps the current device
    expect(currentDevice().subnormals).toBe(subnormals);
    expect(report.subnormals).toBe(subnormals);

    const names = report.devices.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(["wasm-simd", "wasm", "js"]));
    if (typeof window !== "undefined") expect(names).toContain("webgl2");
    if ("Deno" in globalThis) expect(names).toContain("webgpu");
    const checks = new Set(report.rows.map((r) => r.check));
    const optimizers = ["SGD", "MomentumSGD", "NesterovSGD", "RMSProp", "Adam", "AdaGrad", "AdaDelta", "SMORMS3", "RMSPropGraves"];
    expect([...checks]).toEqual([...optimizers.map((name) => `${name}, 100 steps`), "matmul", "columnSums", "activations",
      "softmax cross-entropy", "dropout", "mse", "seed example", "graph with a fan-in", "convolution net"]);

    for (const row of report.rows) {
      const where = `${row.check} / ${row.array} on ${row.device}`;
      if (subnormals === "flush" || row.device !== "webgl2" || row.check.endsWith(", 100 steps") ||
        row.check === "seed example" || row.check === "graph with a fan-in" || row.check === "convolution net" ||
        row.check === "dropout") {
        // Flush mode, every optimizer's update, the seed example and the WASM builds: exact, no exception.
        expect(row.differing, where).toBe(0);
      } else {
        expect(row.differing - row.flushedSubnormals, `${where}: differences other than flushed subnormals`).toBe(0);
      }
    }
  });
});
