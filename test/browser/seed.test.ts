// The seed example trained on webgl2 in Chromium prints what Node prints.
import { it, expect } from "vitest";
import { commands } from "vitest/browser";
import { getDevice } from "../../src/index.js";
import { seedExample } from "../../src/reproducibility.js";
import { fingerprint } from "../../examples/cli.ts";

declare module "vitest/browser" {
  interface BrowserCommands {
    runSeedExampleInNode(): Promise<string[]>;
  }
}

it("the seed example on webgl2 prints Node's error lines and weights fingerprint", async () => {
  const fromNode = await commands.runSeedExampleInNode();
  const result = await seedExample(await getDevice("webgl2"));
  const lines: string[] = [];
  result.errors.forEach((error, i) => {
    if ((i + 1) % 5 === 0) lines.push(`Iteration #${i + 1} error: ${error}`);
  });
  lines.push(`weights fingerprint: ${fingerprint(result.W)}`);
  expect(lines).toHaveLength(21);
  expect(lines).toEqual(fromNode.filter((line) => /^(Iteration|weights fingerprint)/.test(line)));
});
