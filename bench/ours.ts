// Our contenders, shared by the Node and the browser benchmarks.
import {
  getDevice, init, DeviceArray, randn, rmspropGravesKer, gpuarray, Sequential, Linear, Activation, relu, RMSPropGraves,
  MSE, type DeviceName, type Precision, type SubnormalMode,
} from "../src/index.js";
import type { Contender } from "./harness.ts";

/** How a contender's device is opened: a subnormal mode, or webgl2's "fast" precision. */
type Variant = SubnormalMode | Precision;

const options = (variant: Variant) => (variant === "fast" ? { precision: variant } : variant === "flush"
  ? { subnormals: variant } : {});

/** The contender's name: the device's, with " flush" or " fast" for those variants. */
const named = (device: DeviceName, variant: Variant) =>
  (variant === "flush" || variant === "fast" ? `${device} ${variant}` : device);

/** The fused update on five arrays of `size` on a device. */
export async function oursUpdate(name: DeviceName, size: number, variant: Variant = "keep"):
  Promise<Contender & { dispose(): void }> {
  const device = await getDevice(name, options(variant));
  const arrays = [0, 1, 2, 3, 4].map(() => DeviceArray.allocate(device, [size]));
  arrays[0].set(randn([size], 1));
  arrays[1].set(randn([size], 2));
  const [w, g, mg, ms, d] = arrays;
  return {
    name: named(name, variant), run: () => rmspropGravesKer(w, g, mg, ms, d, { learnRate: 0.01 }),
    sync: () => void w.view(0, [1]).get(), // a one-element read waits for queued GPU passes
    dispose: () => arrays.forEach((a) => a.dispose()),
  };
}

/**
 * The floor of a device: a copy of the bytes one update moves (five float32 reads and
 * four writes per parameter, 36 bytes, as a copy of 4.5 floats per parameter), with
 * memory.copy on WASM or a texture-copy pass on webgl2.
 */
export async function copyFloor(name: DeviceName, size: number): Promise<Contender & { dispose(): void }> {
  const device = await getDevice(name);
  const n = Math.ceil(size * 4.5);
  const [src, dst] = [DeviceArray.allocate(device, [n]), DeviceArray.allocate(device, [n])];
  return {
    name: "copy floor", run: () => device.copy(src, dst), sync: () => void dst.view(0, [1]).get(),
    dispose: () => [src, dst].forEach((a) => a.dispose()),
  };
}

/** One training step of a relu MLP (`sizes` from input to output) with MSE and RMSPropGraves on global state. */
export async function oursTrainStep(device: DeviceName, sizes: number[], batch: number,
  variant: Variant = "keep", threads?: number): Promise<Contender> {
  await init({ device, ...options(variant), ...(threads ? { threads } : {}) });
  const data = gpuarray.toGpu(randn([batch, sizes[0]], 1), [batch, sizes[0]]);
  const target = gpuarray.toGpu(randn([batch, sizes.at(-1)!], 2), [batch, sizes.at(-1)!]);
  const layers = sizes.slice(1).flatMap((out, i) => [new Linear(sizes[i], out, { seed: i + 1 }), new Activation(relu)]);
  const net = new Sequential(layers.slice(0, -1));
  const optimizer = new RMSPropGraves({ learnRate: 0.001 });
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new MSE();
  return {
    name: `${named(device, variant)}${threads ? `, ${threads} thread${threads > 1 ? "s" : ""}` : ""}`,
    run: () => {
      const [, grad] = loss.compute(net.forward(data), target, { queryError: false });
      optimizer.zeroGradParams();
      net.backward(grad, { updGrad: false });
      optimizer.update();
    },
    sync: () => void net.getVar("0.W").data.view(0, [1]).get(),
  };
}

export const NETS: [string, number[], number][] = [
  ["128-64-32-16, batch 16", [128, 64, 32, 16], 16],
  ["784-512-512-10, batch 64", [784, 512, 512, 10], 64],
];
