import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";
import { playwright } from "@vitest/browser-playwright";
import { firefoxEsr } from "./test/browser/firefoxProvider.js";

// The browser suite runs in Debian's Chromium; Playwright must never download a browser.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  throw new Error(`Chromium not found at ${chromium}: the browser suite (WebGL2) cannot run, so the tests fail. ` +
    "Install Debian's Chromium with `apt-get update && apt-get install -y chromium` (as root), " +
    "or set CHROMIUM_PATH to a Chromium binary.");
}

// The WebGL2 implementation the browser suite runs on (see .ci/run, which runs it on each):
// GL_STACK=swiftshader (default), llvmpipe (Mesa's, through ANGLE's GLES backend) or
// lavapipe (Mesa's Vulkan, through ANGLE's Vulkan backend) in Chromium, or softpipe
// (Mesa's reference rasterizer) in Debian's firefox-esr under Xvfb.
const STACK_FLAGS = {
  swiftshader: ["--enable-unsafe-swiftshader", "--use-angle=swiftshader"],
  llvmpipe: ["--headless=new", "--use-gl=angle", "--use-angle=gles-egl", "--ignore-gpu-blocklist"],
  lavapipe: ["--headless=new", "--use-gl=angle", "--use-angle=vulkan", "--ignore-gpu-blocklist",
    "--disable-gpu-driver-bug-workarounds"],
  softpipe: [],
} as const;
const stack = (process.env.GL_STACK ?? "swiftshader") as keyof typeof STACK_FLAGS;
if (!(stack in STACK_FLAGS)) {
  throw new Error(`GL_STACK=${stack} is not a stack this suite knows; expected one of ${Object.keys(STACK_FLAGS).join(", ")}`);
}
if (stack === "lavapipe") process.env.VK_ICD_FILENAMES ??= "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json";

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
            provider: stack === "softpipe" ? firefoxEsr({ gallium: "softpipe" }) : playwright({
              launchOptions: {
                executablePath: chromium,
                args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", ...STACK_FLAGS[stack]],
              },
            }),
            instances: [{ browser: stack === "softpipe" ? "firefox" : "chromium" }],
            commands: { runSeedExampleInNode },
          },
        },
      },
    ],
  },
});
