// Shared by the Node and browser suites: the devices under test, bit comparison,
// ULP distance, and a small training run used by several suites.
import { expect, inject } from "vitest";
import {
  init, Sequential, ulpDistance, type Device, Linear, Activation, relu, tanh, sigmoid, RMSPropGraves, MSE,
  gpuarray, randn, type DeviceArray, type DeviceName, type Module, type Optimizer, type Precision,
} from "../src/index.js";
import { WebGL2Device } from "../src/devices/webgl2/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The browser suite's GL stack (GL_STACK, see test/glStacks.ts), provided by vitest.config.ts. */
    glStack: string;
  }
}

const inBrowser = typeof window !== "undefined";
const inDeno = "Deno" in globalThis;

/** The GL stack the browser suite runs on (swiftshader, llvmpipe, lavapipe, softpipe); undefined in Node. */
export const GL_STACK: string | undefined = inBrowser ? inject("glStack") : undefined;

/**
 * Devices every parameterized suite runs on here: the WASM builds and js in Node, plus
 * webgl2 and webgpu in a browser, and webgpu alone in Deno (npm run test:webgpu-deno: Mesa's
 * lavapipe through Vulkan and llvmpipe through GL; the WASM builds and js run on the same V8
 * as in Node). On Chromium's other GL stacks (llvmpipe, lavapipe) only webgl2: the WASM
 * builds and js run there on the same V8 as in the default-stack run, so running them again
 * would test nothing new (and WebGPU's ANGLE->lavapipe adapter runs in
 * test/browser/webgpu.test.ts). Firefox (softpipe) runs all but webgpu, which Firefox
 * ESR on Linux does not have. With `{ webgpu: false }` webgpu is left out: the cases
 * that need a synchronous answer (get(), save(), compute() with its error, which throw
 * SyncReadError on webgpu, or update() throwing for a non-finite gradient) say so where
 * they ask; test/webgpu/ runs their equivalents on webgpu.
 */
export function devicesUnderTest({ webgpu: withWebGPU = true } = {}): DeviceName[] {
  if (inDeno) return withWebGPU ? ["webgpu"] : [];
  if (!inBrowser) return ["wasm-simd", "wasm", "js"];
  if (GL_STACK === "llvmpipe" || GL_STACK === "lavapipe") return ["webgl2"];
  const webgpu: DeviceName[] = GL_STACK === "swiftshader" && withWebGPU ? ["webgpu"] : [];
  return [...webgpu, "webgl2", "wasm-simd", "wasm", "js"];
}

/**
 * How many repetitions of a long loop (random cases, training steps) a suite runs on
 * `device`: `n`, but a fifth on webgl2 under softpipe, which rasterizes every pass on one
 * CPU thread without LLVM and takes about five times as long as the other stacks (its full
 * count ran past the test timeout), and on webgpu, whose SwiftShader adapter here runs
 * compute passes on the CPU and took 27 s for rmspropGraves.test.ts's 100 steps at its
 * largest length. The shorter loop runs the same kernels and compilers.
 */
export function repetitions(n: number, device: DeviceName): number {
  return (GL_STACK === "softpipe" && device === "webgl2") || device === "webgpu" ? Math.ceil(n / 5) : n;
}

/**
 * The batch of a suite's CNN steps on `device`: `n`, but 8 on webgl2 under softpipe, where
 * one step of the Fashion-MNIST CNN at batch 64 takes about 70 s, and on webgpu in the
 * browser, whose SwiftShader adapter took 40 s for three (Deno's lavapipe runs batch 64). A
 * smaller batch runs the same passes over fewer rows.
 */
export function cnnBatch(n: number, device: DeviceName): number {
  const slow = (GL_STACK === "softpipe" && device === "webgl2") || (inBrowser && device === "webgpu");
  return slow ? Math.min(n, 8) : n;
}

const u32 = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

const SMALLEST_NORMAL = 2 ** -126;

/**
 * Fails with the first differing element, its value on both sides and the ULP
 * distance. With `flushesSubnormals` (a GPU that measured so at init), a zero where
 * the reference has a subnormal is the one difference allowed.
 */
export function expectSameBits(actual: Float32Array, expected: Float32Array, what: string,
  { flushesSubnormals = false } = {}): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const a = u32(actual);
  const e = u32(expected);
  for (let i = 0; i < a.length; i++) {
    if (flushesSubnormals && actual[i] === 0 && Math.abs(expected[i]) < SMALLEST_NORMAL) continue;
    if (a[i] !== e[i] && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) {
      expect.fail(`${what}: element ${i} is ${actual[i]} (0x${a[i].toString(16)}), expected ${expected[i]} ` +
        `(0x${e[i].toString(16)}), ${ulpDistance(actual[i], expected[i])} ULP apart`);
    }
  }
}

/** Whether `device` measured at init that it flushes subnormal results to zero. */
export function flushesSubnormals(device: Device): boolean {
  return device instanceof WebGL2Device && device.flushesSubnormals;
}

/** What the costs (MSE, CrossEntropy) have in common: compute() and readError(). */
interface Cost<Target> {
  compute(pred: DeviceArray, target: Target, options: { queryError: boolean }): [number | null, DeviceArray];
  readError(): Promise<number>;
}

/**
 * `cost.compute(pred, target)` as a training loop on the array's device runs it: the error
 * from compute() where the device reads back synchronously, from readError() on webgpu
 * (whose compute() cannot return it). `error()` resolves to it (call it before the next compute()).
 */
export function computeCost<Target>(cost: Cost<Target>, pred: DeviceArray, target: Target):
  { grad: DeviceArray; error(): Promise<number> } {
  const sync = !pred.device.readsBackAsync;
  const [error, grad] = cost.compute(pred, target, { queryError: sync });
  return { grad, error: () => (sync ? Promise.resolve(error!) : cost.readError()) };
}

/** A net that uses every kernel: Linear with and without bias, relu, tanh, sigmoid. */
export function buildNet(): Module {
  return new Sequential([
    new Linear(24, 16, { seed: 21 }),
    new Activation(tanh),
    new Linear(16, 12, { useBias: false, seed: 22 }),
    new Activation(relu),
    new Linear(12, 8, { seed: 23 }),
    new Activation(sigmoid),
    new Linear(8, 5, { seed: 24 }),
  ]);
}

export interface TrainResult {
  errors: number[];
  weights: Map<string, Float32Array>;
  state: Map<string, Float32Array>;
}

/** Trains buildNet() on `device` and returns every error, weight and optimizer state array. */
export async function train(device: DeviceName,
  { useGlobalState = true, steps = 30, precision = "strict" as Precision,
    optimizer: makeOptimizer = (): Optimizer => new RMSPropGraves({ learnRate: 0.01 }),
    multipliers = false } = {}): Promise<TrainResult> {
  await init({ device, precision });
  const data = gpuarray.toGpu(randn([10, 24], 31), [10, 24]);
  const target = gpuarray.toGpu(randn([10, 5], 32).map((v) => 1 / (1 + Math.exp(-v))), [10, 5]);
  const net = buildNet();
  const optimizer = makeOptimizer();
  if (multipliers) {
    net.getVar("0.W").learnRate = 0.5;
    net.getVar("2.W").momRate = 0.25;
  }
  optimizer.setupOn(net, { useGlobalState });
  const loss = new MSE();
  const errors: number[] = [];
  for (let i = 0; i < steps; i++) {
    const { grad, error } = computeCost(loss, net.forward(data), target);
    optimizer.zeroGradParams();
    net.backward(grad);
    optimizer.update();
    errors.push(await error());
  }
  const weights = new Map<string, Float32Array>();
  const state = new Map<string, Float32Array>();
  for (const [variable, [name]] of net.getVarTable()) {
    weights.set(name, await variable.data.read());
    for (const [key, array] of Object.entries(optimizer.getState(name))) state.set(`${name}.${key}`, await array.read());
  }
  for (const array of [data, target]) array.dispose();
  loss.dispose();
  optimizer.dispose();
  net.dispose();
  return { errors, weights, state };
}
