// Host-side scalars are computed the same way in every JavaScript engine: Adam's
// bias-corrected rates here (Chromium's V8, or Firefox's SpiderMonkey on the softpipe
// stack) equal Node's, bit for bit. Math.pow would not promise that.
import { it, expect } from "vitest";
import { commands } from "vitest/browser";
import { adamRatesForTest } from "../adamRates.js";

declare module "vitest/browser" {
  interface BrowserCommands {
    adamRatesInNode(): Promise<number[]>;
  }
}

it("Adam's bias-corrected rates for 3000 steps equal Node's bit for bit", async () => {
  const fromNode = await commands.adamRatesInNode();
  const here = adamRatesForTest();
  expect(here).toHaveLength(6000);
  expect(new Set(here).size).toBeGreaterThan(1000);
  expect(here).toEqual(fromNode);
});
