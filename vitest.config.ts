import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { defineConfig } from "vitest/config";
import { playwright } from "@vitest/browser-playwright";
import { firefoxEsr } from "./test/browser/firefoxProvider.js";
import { CHROMIUM_FLAGS, STACK_FLAGS, glStack } from "./test/glStacks.js";

// Vitest run by Deno (npm run test:webgpu-deno): the device-parameterized suites on webgpu.
const inDeno = "Deno" in globalThis;

// The browser suite runs in Debian's Chromium; Playwright must never download a browser.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!inDeno && !existsSync(chromium)) {
  throw new Error(`Chromium not found at ${chromium}: the browser suite (WebGL2) cannot run, so the tests fail. ` +
    "Install Debian's Chromium with `apt-get update && apt-get install -y chromium` (as root), " +
    "or set CHROMIUM_PATH to a Chromium binary.");
}

// The WebGL2 stack of the browser suite (GL_STACK; .ci/run runs the suite on three).
const stack = glStack();
if (stack === "softpipe") {
  for (const program of ["firefox-esr", "xvfb-run"]) {
    if (!process.env.PATH?.split(":").some((dir) => existsSync(`${dir}/${program}`))) {
      throw new Error(`GL_STACK=softpipe runs the browser suite in Debian's firefox-esr under Xvfb, but ${program} ` +
        "is not installed: `apt-get install -y firefox-esr xvfb xauth libgl1-mesa-dri` (as root), as .ci/run does.");
    }
  }
}

/** Runs in the Vitest Node process for a browser test: the seed example as a Node user runs it. */
function runSeedExampleInNode(): string[] {
  return execFileSync("node_modules/.bin/tsx", ["examples/seed.ts", "--device", "wasm-simd"], { encoding: "utf8" })
    .trim().split("\n");
}

/**
 * Runs in the Vitest Node process for a browser test: Adam's bias-corrected rates for
 * steps 1 to 3000 with two sets of hyper-parameters, as V8 in Node computes them.
 */
function adamRatesInNode(): number[] {
  const script = 'import { adamRatesForTest } from "./test/adamRates.ts"; console.log(JSON.stringify(adamRatesForTest()));';
  return JSON.parse(execFileSync("node_modules/.bin/tsx", ["--eval", script], { encoding: "utf8" }));
}

/**
 * Runs in the Vitest Node process for a browser test: the Fashion-MNIST example's `model`
 * at `batch` for one epoch over the first `limit` training images on wasm-simd (tested on the first
 * 1,000 test images), and those images' pixels (base64) and labels from Debian's files, for
 * the page to train on.
 */
async function fashionMnistInNode(_context: unknown, limit: number, model: "mlp" | "cnn", batch: number) {
  const lines = execFileSync("node_modules/.bin/tsx", ["examples/fashion-mnist.ts", "--device", "wasm-simd", "--epochs", "1",
    "--limit", String(limit), "--model", model, "--batch", String(batch), "--test-limit", "1000"], { encoding: "utf8" })
    .trim().split("\n");
  const dir = "/usr/share/datasets/fashion-mnist";
  const pixels = gunzipSync(readFileSync(`${dir}/train-images-idx3-ubyte.gz`)).subarray(16, 16 + limit * 784);
  const labels = [...gunzipSync(readFileSync(`${dir}/train-labels-idx1-ubyte.gz`)).subarray(8, 8 + limit)];
  return { lines, pixels: Buffer.from(pixels).toString("base64"), labels };
}

/**
 * Node suites that run the package in other processes (examples, the command line, the
 * packed tarball, Python, the demo's browser page, the documentation's examples, WebGPU in Deno): TEST_THREADS, which sets the thread
 * count of this process's devices only, changes nothing for them, so the TEST_THREADS
 * passes of npm test leave them out (the examples test their thread counts themselves).
 */
const OTHER_PROCESSES = ["test/examples.test.ts", "test/cli.test.ts", "test/package.test.ts", "test/python.test.ts",
  "test/demo.test.ts", "test/docs.test.ts", "test/webgpu.test.ts"];

// Suites parameterized over devices run in both projects; Node-only ones spawn processes.
const shared = ["test/rmspropGraves.test.ts", "test/network.test.ts", "test/training.test.ts", "test/errors.test.ts",
  "test/optimizer.test.ts", "test/leaks.test.ts", "test/fuzz.test.ts",
  "test/reproducibility.test.ts", "test/views.test.ts", "test/kernels.test.ts", "test/optimizers.test.ts", "test/weights.test.ts", "test/threads.test.ts",
  "test/classifiers.test.ts", "test/graph.test.ts", "test/trace.test.ts", "test/convolution.test.ts"];

/**
 * The shared suites that run on webgpu under Deno (test/helpers.ts gives them the one device):
 * all but the thread suite (wasm threads: the Node passes test them).
 */
const onDenoWebGPU = shared.filter((file) => file !== "test/threads.test.ts");

export default defineConfig({
  test: {
    testTimeout: 300_000,
    hookTimeout: 300_000,
    projects: inDeno ? [{
      test: {
        name: "deno",
        environment: "node",
        include: onDenoWebGPU,
        setupFiles: ["test/deno/setup.ts"],
        testTimeout: 300_000,
        hookTimeout: 300_000,
      },
    }] : [
      {
        test: {
          name: "node",
          environment: "node",
          setupFiles: ["test/threadsSetup.ts"],
          include: ["test/**/*.test.ts"],
          exclude: ["test/browser/**", ...(process.env.TEST_THREADS ? OTHER_PROCESSES : [])],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        // Cross-origin isolation, so that the browser suite has SharedArrayBuffer: the wasm
        // devices run on threads there as they do in Node (test/threads.test.ts).
        server: { headers: { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" } },
        // test/nodes/trainer.mjs imports the package by name, as a user's node would: here, its source.
        resolve: { alias: { "portable-optim": new URL("./src/index.ts", import.meta.url).pathname } },
        test: {
          name: "browser",
          provide: { glStack: stack },
          include: [...shared, "test/browser/**/*.test.ts"],
          // WebGPU only where Chromium has an adapter (test/glStacks.ts).
          exclude: stack === "swiftshader" || stack === "lavapipe" ? [] : ["test/browser/webgpu.test.ts"],
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
                args: [...CHROMIUM_FLAGS, ...STACK_FLAGS[stack]],
              },
            }),
            instances: [{ browser: stack === "softpipe" ? "firefox" : "chromium" }],
            commands: { runSeedExampleInNode, adamRatesInNode, fashionMnistInNode },
          },
        },
      },
    ],
  },
});
