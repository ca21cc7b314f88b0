// The Fashion-MNIST example trained on webgl2 in the browser: one epoch of the MLP over the
// first 1,024 real training images, and of the CNN over the first 256 (32 on softpipe), ends
// with the weights fingerprint Node's example prints.
import { it, expect } from "vitest";
import { commands } from "vitest/browser";
import { init, standardizeImages } from "../../src/index.js";
import { fingerprint } from "../../examples/cli.ts";
import { cnnBatch } from "../helpers.js";
import { classifier, type ModelName } from "../../examples/fashion-mnist-model.ts";

declare module "vitest/browser" {
  interface BrowserCommands {
    fashionMnistInNode(limit: number, model: ModelName, batch: number): Promise<{ lines: string[]; pixels: string; labels: number[] }>;
  }
}

// The CNN: 4 steps at batch 64 (at 8 on softpipe's webgl2, see cnnBatch()).
const CNN_BATCH = cnnBatch(64, "webgl2");

it.each([["mlp", 64, 1024], ["cnn", CNN_BATCH, 4 * CNN_BATCH]] as const)("one epoch of the Fashion-MNIST example's %s at batch " +
  "%i over %i images on webgl2 gives Node's weights fingerprint", async (model, batch, limit) => {
  const fromNode = await commands.fashionMnistInNode(limit, model, batch);
  const bytes = Uint8Array.from(atob(fromNode.pixels), (c) => c.charCodeAt(0));
  const train = standardizeImages({ count: limit, images: Float32Array.from(bytes, (b) => b / 255), labels: Int32Array.from(fromNode.labels) });
  await init({ device: "webgl2" });
  const trained = classifier(batch, model);
  const error = trained.epoch(train, limit);
  expect(error).toBeGreaterThan(0);
  const expected = fromNode.lines.find((l) => l.startsWith("weights fingerprint:"));
  expect(expected).toMatch(/^weights fingerprint: [0-9a-f]{8}$/);
  expect(`weights fingerprint: ${fingerprint(...trained.weights())}`).toBe(expected);
  trained.net.dispose();
});
