// The Fashion-MNIST example trained on webgl2 in the browser: one epoch over the first
// 1,024 real training images ends with the weights fingerprint Node's example prints.
import { it, expect } from "vitest";
import { commands } from "vitest/browser";
import { init, standardizeImages } from "../../src/index.js";
import { fingerprint } from "../../examples/cli.ts";
import { classifier } from "../../examples/fashion-mnist-model.ts";

declare module "vitest/browser" {
  interface BrowserCommands {
    fashionMnistInNode(limit: number): Promise<{ lines: string[]; pixels: string; labels: number[] }>;
  }
}

const LIMIT = 1024;

it("one epoch of the Fashion-MNIST example on webgl2 gives Node's weights fingerprint", async () => {
  const fromNode = await commands.fashionMnistInNode(LIMIT);
  const bytes = Uint8Array.from(atob(fromNode.pixels), (c) => c.charCodeAt(0));
  const train = standardizeImages({ count: LIMIT, images: Float32Array.from(bytes, (b) => b / 255), labels: Int32Array.from(fromNode.labels) });
  await init({ device: "webgl2" });
  const model = classifier(64);
  const error = model.epoch(train, LIMIT);
  expect(error).toBeGreaterThan(0);
  const expected = fromNode.lines.find((l) => l.startsWith("weights fingerprint:"));
  expect(expected).toMatch(/^weights fingerprint: [0-9a-f]{8}$/);
  expect(`weights fingerprint: ${fingerprint(...model.weights())}`).toBe(expected);
  model.net.dispose();
});
