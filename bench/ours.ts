// Our contenders, shared by the Node and the browser benchmarks.
import {
  getDevice, init, DeviceArray, randn, rmspropGravesKer, gpuarray, Sequential, Linear, Activation, relu, RMSPropGraves, SGD,
  MSE, CrossEntropy, Dropout, Conv2D, BatchNorm2D, MaxPool2D, Flatten, type DeviceName, type Optimizer, type Precision,
  type SubnormalMode,
} from "../src/index.js";
import { kernel } from "../src/runtime/kernels.js";
import { OPTIMIZERS, type OptimizerName } from "../src/optimizers/index.js";
import type { Contender } from "./harness.ts";

/**
 * Waits for the device's queued work by reading one element of `array`: get() on the
 * devices that have it (a GPU waits for its queue), read() on webgpu, which has only that.
 */
function settled(array: DeviceArray): void | Promise<void> {
  const first = array.view(0, [1]);
  if (array.device.readsBackAsync) return first.read().then(() => undefined);
  first.get();
}

/** How a contender's device is opened: a subnormal mode, or webgl2's "fast" precision. */
type Variant = SubnormalMode | Precision;

const options = (variant: Variant) => (variant === "fast" ? { precision: variant } : variant === "flush"
  ? { subnormals: variant } : {});

/** The contender's name: the device's, with " flush" or " fast" for those variants. */
const named = (device: DeviceName, variant: Variant) =>
  (variant === "flush" || variant === "fast" ? `${device} ${variant}` : device);

/** The name with ", N threads" where N > 1. */
const threadsNamed = (name: string, threads: number) => (threads > 1 ? `${name}, ${threads} threads` : name);

/** A product of the big net's shapes on a device: `form` as Linear computes y = xW + b, dW = xᵀ·dy, dx = dy·Wᵀ. */
export async function oursMatmul(name: DeviceName, [m, k, n]: [number, number, number], form: "xW" | "xTdy" | "dyWT",
  threads = 1): Promise<Contender & { dispose(): void }> {
  const device = await getDevice(name, { threads });
  const strides = { xW: { aRow: k, aCol: 1, bRow: n, bCol: 1 }, xTdy: { aRow: 1, aCol: m, bRow: n, bCol: 1 },
    dyWT: { aRow: k, aCol: 1, bRow: 1, bCol: k } }[form];
  const [a, b, out] = [[m * k, 1], [k * n, 2], [m * n, 0]].map(([size, seed]) => {
    const array = DeviceArray.allocate(device, [size]);
    if (seed) array.set(randn([size], seed));
    return array;
  });
  return {
    name: threadsNamed(name, threads), run: () => kernel(device, "matmul")(a, b, out, null, { m, k, n, ...strides }),
    sync: () => settled(out),
    dispose: () => [a, b, out].forEach((x) => x.dispose()),
  };
}

/** The fused update on five arrays of `size` on a device. */
export async function oursUpdate(name: DeviceName, size: number, variant: Variant = "keep", threads = 1):
  Promise<Contender & { dispose(): void }> {
  const device = await getDevice(name, { ...options(variant), threads });
  const arrays = [0, 1, 2, 3, 4].map(() => DeviceArray.allocate(device, [size]));
  arrays[0].set(randn([size], 1));
  arrays[1].set(randn([size], 2));
  const [w, g, mg, ms, d] = arrays;
  return {
    name: threadsNamed(named(name, variant), threads), run: () => rmspropGravesKer(w, g, mg, ms, d, { learnRate: 0.01 }),
    sync: () => settled(w), // a one-element read waits for queued GPU passes
    dispose: () => arrays.forEach((a) => a.dispose()),
  };
}

/**
 * The floor of a device: a copy of the bytes one update moves (for Graves five float32
 * reads and four writes per parameter, 36 bytes, as a copy of 4.5 floats per parameter),
 * with memory.copy on WASM or a texture-copy pass on webgl2.
 */
export async function copyFloor(name: DeviceName, size: number, floatsPerParameter = 4.5): Promise<Contender & { dispose(): void }> {
  const device = await getDevice(name, { threads: 1 });
  const n = Math.ceil(size * floatsPerParameter);
  const [src, dst] = [DeviceArray.allocate(device, [n]), DeviceArray.allocate(device, [n])];
  return {
    name: "copy floor", run: () => kernel(device, "copy")(src, dst), sync: () => settled(dst),
    dispose: () => [src, dst].forEach((a) => a.dispose()),
  };
}

/**
 * One update() of optimizer `name` over the 1024×1024 weights of one Linear layer (1M
 * parameters), through the public API, with the non-finite check off: the fused step.
 */
export async function oursOptimizerUpdate(name: OptimizerName, rates: Record<string, number>, threads = 1):
  Promise<Contender & { dispose(): void }> {
  await init({ device: "wasm-simd", threads });
  const layer = new Linear(1024, 1024, { useBias: false, seed: 1 });
  const optimizer = new OPTIMIZERS[name]({ ...rates, nonFinite: "off" });
  optimizer.setupOn(layer, { useGlobalState: true });
  const W = layer.getVar("W");
  W.grad.set(randn([W.grad.size], 2).map((v) => v * 1e-2));
  return {
    name: threadsNamed("ours", threads), run: () => void optimizer.update(), sync: () => settled(W.data),
    dispose: () => [optimizer, layer].forEach((x) => x.dispose()),
  };
}

/** One training step of a relu MLP (`sizes` from input to output) with MSE and RMSPropGraves (or `optimizer`) on global state. */
export async function oursTrainStep(device: DeviceName, sizes: number[], batch: number,
  variant: Variant = "keep", threads = 1, optimizer: () => Optimizer = () => new RMSPropGraves({ learnRate: 0.001 })):
  Promise<Contender> {
  await init({ device, ...options(variant), threads });
  const data = gpuarray.toGpu(randn([batch, sizes[0]], 1), [batch, sizes[0]]);
  const target = gpuarray.toGpu(randn([batch, sizes.at(-1)!], 2), [batch, sizes.at(-1)!]);
  const layers = sizes.slice(1).flatMap((out, i) => [new Linear(sizes[i], out, { seed: i + 1 }), new Activation(relu)]);
  const net = new Sequential(layers.slice(0, -1));
  const opt = optimizer();
  opt.setupOn(net, { useGlobalState: true });
  const loss = new MSE();
  return {
    name: threadsNamed(named(device, variant), threads),
    run: () => {
      const [, grad] = loss.compute(net.forward(data), target, { queryError: false });
      opt.zeroGradParams();
      net.backward(grad, { updGrad: false });
      opt.update();
    },
    sync: () => settled(net.getVar("0.W").data),
  };
}

/** The first layer's weights after 100 SGD steps (learnRate 0.01) of the relu MLP on `device`, one thread. */
export async function oursTrainedWeights(device: DeviceName, sizes: number[], batch: number): Promise<Float32Array> {
  await init({ device, threads: 1 });
  const data = gpuarray.toGpu(randn([batch, sizes[0]], 1), [batch, sizes[0]]);
  const target = gpuarray.toGpu(randn([batch, sizes.at(-1)!], 2), [batch, sizes.at(-1)!]);
  const layers = sizes.slice(1).flatMap((out, i) => [new Linear(sizes[i], out, { seed: i + 1 }), new Activation(relu)]);
  const net = new Sequential(layers.slice(0, -1));
  const optimizer = new SGD({ learnRate: 0.01 });
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new MSE();
  for (let i = 0; i < 100; i++) {
    const [, grad] = loss.compute(net.forward(data), target, { queryError: false });
    optimizer.zeroGradParams();
    net.backward(grad, { updGrad: false });
    optimizer.update();
  }
  const weights = net.getVar("0.W").data.get();
  for (const thing of [data, target, optimizer, net, loss]) thing.dispose();
  return weights;
}

/** A batch of 64 Fashion-MNIST images (standardized) and their labels: what the classifier steps train on. */
export interface ClassifierBatch {
  images: Float32Array;
  labels: Int32Array;
}

/**
 * One step of the Fashion-MNIST example's MLP (784-256-10, relu, Dropout 0.2, softmax
 * cross-entropy, RMSPropGraves) at batch 64, the batch uploaded as the example does; or
 * with another optimizer and without Dropout (what jax-js is compared on).
 */
export async function oursClassifierStep(device: DeviceName, batch: ClassifierBatch, variant: Variant = "keep", threads = 1,
  { optimizer: makeOptimizer = (): Optimizer => new RMSPropGraves({ learnRate: 1e-4 }), dropout = true } = {}): Promise<Contender> {
  await init({ device, ...options(variant), threads });
  const net = new Sequential([new Linear(784, 256, { seed: 1 }), new Activation(relu),
    ...(dropout ? [new Dropout({ p: 0.2, seed: 2 })] : []), new Linear(256, 10, { seed: 3 })]);
  return classifierContender(threadsNamed(named(device, variant), threads), net, makeOptimizer(), batch, [784]);
}

/** A contender that trains `net` one step on `batch` (uploaded each step, images of `image` shape) with softmax cross-entropy. */
function classifierContender(name: string, net: Sequential, optimizer: Optimizer, batch: ClassifierBatch, image: number[]):
  Contender {
  const data = gpuarray.zeros([batch.labels.length, ...image]);
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new CrossEntropy();
  const [first] = net.getVarTable().keys();
  return {
    name,
    run: () => {
      data.set(batch.images);
      const [, grad] = loss.compute(net.forward(data), batch.labels, { queryError: false });
      optimizer.zeroGradParams();
      net.backward(grad, { updGrad: false });
      optimizer.update();
    },
    sync: () => settled(first.data),
  };
}

/**
 * One step of the Fashion-MNIST example's CNN (Conv2D 1→16 5×5 pad 2, BatchNorm2D, relu,
 * MaxPool2D, Conv2D 16→32 5×5 pad 2, BatchNorm2D, relu, MaxPool2D, Flatten, Linear
 * 1568→10; softmax cross-entropy, RMSPropGraves 1e-3 or `optimizer`) at the batch's size,
 * the batch uploaded as the example does.
 */
export async function oursCnnStep(device: DeviceName, batch: ClassifierBatch, variant: Variant = "keep", threads = 1,
  optimizer: () => Optimizer = () => new RMSPropGraves({ learnRate: 1e-3 })): Promise<Contender> {
  await init({ device, ...options(variant), threads });
  const net = new Sequential([
    new Conv2D(1, 16, 5, { pad: 2, seed: 1 }), new BatchNorm2D(16, { seed: 2 }), new Activation(relu), new MaxPool2D(2, 2),
    new Conv2D(16, 32, 5, { pad: 2, seed: 3 }), new BatchNorm2D(32, { seed: 4 }), new Activation(relu), new MaxPool2D(2, 2),
    new Flatten(), new Linear(32 * 7 * 7, 10, { seed: 5 }),
  ]);
  return classifierContender(threadsNamed(named(device, variant), threads), net, optimizer(), batch, [1, 28, 28]);
}

/**
 * A Conv2D layer of the CNN at `batch` (5×5, pad 2, `size`×`size` input) on wasm-simd:
 * its forward pass, and its backward pass (the input's, weights' and bias's gradients),
 * as two contenders, with the multiply-adds each does (2·rows·k·outmaps per product).
 */
export async function oursConvPasses(inmaps: number, outmaps: number, size: number, batch: number) {
  await init({ device: "wasm-simd", threads: 1 });
  const conv = new Conv2D(inmaps, outmaps, 5, { pad: 2, seed: 1 });
  const x = gpuarray.toGpu(randn([batch * inmaps * size * size], 2), [batch, inmaps, size, size]);
  const dy = gpuarray.toGpu(randn([batch * outmaps * size * size], 3), [batch, outmaps, size, size]);
  const y = conv.forward(x);
  const flops = 2 * batch * size * size * inmaps * 25 * outmaps;
  const name = `Conv2D ${inmaps}→${outmaps}`;
  return {
    flops,
    forward: { name: `${name} forward`, run: () => void conv.forward(x), sync: () => settled(y) } as Contender,
    backward: { name: `${name} backward`, run: () => void conv.backward(dy), sync: () => settled(conv.getVar("W").grad) } as Contender,
    dispose: () => [conv, x, dy].forEach((a) => a.dispose()),
  };
}

export const NETS: [string, number[], number][] = [
  ["128-64-32-16, batch 16", [128, 64, 32, 16], 16],
  ["784-512-512-10, batch 64", [784, 512, 512, 10], 64],
];
