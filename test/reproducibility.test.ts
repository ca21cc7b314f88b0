import { describe, it, expect } from "vitest";
import { reproducibilityReport, formatReport, currentDevice, init } from "../src/index.js";

describe("cross-device reproducibility report", () => {
  it("every device matches the js reference bit for bit, but for subnormals a GPU flushes", async () => {
    await init({ device: "js" });
    const report = await reproducibilityReport();
    console.log(formatReport(report));
    expect(currentDevice().name).toBe("js"); // the report keeps the current device

    const names = report.devices.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(["wasm-simd", "wasm", "js"]));
    if (typeof window !== "undefined") expect(names).toContain("webgl2");
    const checks = new Set(report.rows.map((r) => r.check));
    expect([...checks]).toEqual(["update, 100 steps", "matmul", "columnSums", "activations", "mse", "seed example"]);

    for (const row of report.rows) {
      const where = `${row.check} / ${row.array} on ${row.device}`;
      if (row.device !== "webgl2" || row.check === "update, 100 steps" || row.check === "seed example") {
        // The update and the seed example must be exact everywhere; the WASM builds exact on everything.
        expect(row.differing, where).toBe(0);
      } else {
        expect(row.differing - row.flushedSubnormals, `${where}: differences other than flushed subnormals`).toBe(0);
      }
    }
  });
});
