// nodeinfo in the browser: nodes are module Workers (webgl2 on OffscreenCanvas there), and a
// group mixing a webgl2 node and a wasm-simd node gives the bits of an all-wasm-simd group.
import { describe, it, expect } from "vitest";
import { startNodes, joinNodes, NotReadyError, type DeviceName } from "../../src/index.js";
import { expectSameBits } from "../helpers.js";

const TRAINER = new URL("../nodes/trainer.mjs", import.meta.url);

async function run(devices: DeviceName[]) {
  const group = await startNodes(TRAINER, { nodes: devices.length, devices, args: { shards: [4, 3], steps: 20 } });
  return (await group.done) as { device: DeviceName; errors: number[]; weights: Float32Array[]; t: number }[];
}

describe("nodeinfo in the browser", () => {
  it("a webgl2 node and a wasm-simd node give the bits of two wasm-simd nodes", async () => {
    const mixed = await run(["webgl2", "wasm-simd"]);
    const simd = await run(["wasm-simd", "wasm-simd"]);
    expect(mixed.map((n) => n.device)).toEqual(["webgl2", "wasm-simd"]);
    mixed.forEach((node, rank) => {
      expect(node.errors, `node ${rank}`).toEqual(simd[rank].errors);
      node.weights.forEach((w, i) => expectSameBits(w, simd[rank].weights[i], `node ${rank}, variable ${i}`));
    });
    expect(mixed.map((n) => n.t)).toEqual([20, 20]);
  });

  it("refuses a NodeInfo on the page's main thread, which cannot block", async () => {
    await expect(joinNodes()).rejects.toThrow(NotReadyError);
  });
});
