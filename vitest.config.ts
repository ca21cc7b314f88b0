import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";
import { playwright } from "@vitest/browser-playwright";

// The browser suite runs in Debian's Chromium; Playwright must never download a browser.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  throw new Error(`Chromium not found at ${chromium}: the browser suite (WebGL2) cannot run, so the tests fail. ` +
    "Install Debian's Chromium with `apt-get update && apt-get install -y chromium` (as root), " +
    "or set CHROMIUM_PATH to a Chromium binary.");
}

/** Runs in the Vitest Node process for a browser test: the seed example as a Node user runs it. */
function runSeedExampleInNode(): string[] {
  return execFileSync("node_modules/.bin/tsx", ["examples/seed.ts", "--device", "wasm-simd"], { encoding: "utf8" })
    .trim().split("\n");
}

// Suites parameterized over devices run in both projects; Node-only ones spawn processes.
const shared = ["test/rmspropGraves.test.ts", "test/network.test.ts", "test/training.test.ts", "test/errors.test.ts",
  "test/optimizer.test.ts", "test/leaks.test.ts", "test/fuzz.test.ts",
  "test/reproducibility.test.ts", "test/views.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 300_000,
    hookTimeout: 300_000,
    projects: [
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/browser/**"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: "browser",
          include: [...shared, "test/browser/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          setupFiles: ["test/browser/setup.ts"],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: chromium,
                args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"],
              },
            }),
            instances: [{ browser: "chromium" }],
            commands: { runSeedExampleInNode },
          },
        },
      },
    ],
  },
});
