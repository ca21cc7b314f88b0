// Runs in Chromium (bench/browser-run.ts serves it): the webgl2 update against TF.js's
// webgl backend and against a texture copy of the same bytes, wasm-simd against TF.js
// wasm, and training steps on the matching backend pairs.
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import {
  getDevice, init, DeviceArray, randn, rmspropGravesKer, gpuarray, Sequential, Linear, Activation, relu, RMSPropGraves,
  MSE, WebGL2Device, type DeviceName,
} from "../src/index.js";
import { measure, type Contender } from "./harness.ts";
import { tf, tfjsTrainStep, tfjsUpdate } from "./tfjs.ts";

setWasmPaths("/tfjs-wasm/");

async function ours(name: DeviceName, size: number): Promise<Contender & { dispose(): void }> {
  const device = await getDevice(name);
  const arrays = [0, 1, 2, 3, 4].map(() => DeviceArray.allocate(device, [size]));
  arrays[0].set(randn([size], 1));
  arrays[1].set(randn([size], 2));
  const [w, g, mg, ms, d] = arrays;
  return {
    name, run: () => rmspropGravesKer(w, g, mg, ms, d, { learnRate: 0.01 }),
    sync: () => void w.view(0, [1]).get(), // a one-texel read waits for the queued passes
    dispose: () => arrays.forEach((a) => a.dispose()),
  };
}

/** A pass that only copies the bytes one update moves (36 per parameter) between textures. */
async function textureCopy(size: number): Promise<Contender & { dispose(): void }> {
  const device = await getDevice("webgl2");
  const n = Math.ceil(size * 4.5);
  const [src, dst] = [DeviceArray.allocate(device, [n]), DeviceArray.allocate(device, [n])];
  return {
    name: "texture copy", run: () => device.copy(src, dst), sync: () => void dst.view(0, [1]).get(),
    dispose: () => [src, dst].forEach((a) => a.dispose()),
  };
}

async function tfjs(backend: "webgl" | "wasm", size: number): Promise<Contender & { dispose(): void }> {
  await tf.setBackend(backend);
  await tf.ready();
  const update = tfjsUpdate(size);
  return {
    name: `TF.js ${backend}`,
    run: async () => {
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
      update.run();
    },
    sync: update.sync,
    dispose: update.dispose,
  };
}

async function trainStep(device: DeviceName, sizes: number[], batch: number): Promise<Contender> {
  await init({ device });
  const data = gpuarray.toGpu(randn([batch, sizes[0]], 1), [batch, sizes[0]]);
  const target = gpuarray.toGpu(randn([batch, sizes.at(-1)!], 2), [batch, sizes.at(-1)!]);
  const layers = sizes.slice(1).flatMap((out, i) => [new Linear(sizes[i], out, { seed: i + 1 }), new Activation(relu)]);
  const net = new Sequential(layers.slice(0, -1));
  const optimizer = new RMSPropGraves({ learnRate: 0.001 });
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new MSE();
  return {
    name: device,
    run: () => {
      const [, grad] = loss.compute(net.forward(data), target, { queryError: false });
      optimizer.zeroGradParams();
      net.backward(grad);
      optimizer.update();
    },
    sync: () => void net.getVar("0.W").data.view(0, [1]).get(),
  };
}

async function main() {
  const webgl2 = (await getDevice("webgl2")) as WebGL2Device;
  const update: Record<string, Record<string, number>> = {};
  for (const size of [4096, 65536, 1 << 20]) {
    const contenders = [await ours("webgl2", size), await textureCopy(size), await tfjs("webgl", size),
      await ours("wasm-simd", size), await tfjs("wasm", size)];
    update[String(size)] = Object.fromEntries(await measure(contenders, { rounds: 5 }));
    contenders.forEach((c) => c.dispose());
  }
  const training: Record<string, Record<string, number>> = {};
  for (const [name, sizes, batch] of [["128-64-32-16, batch 16", [128, 64, 32, 16], 16],
    ["784-512-512-10, batch 64", [784, 512, 512, 10], 64]] as [string, number[], number][]) {
    const contenders: Contender[] = [await trainStep("webgl2", sizes, batch), await trainStep("wasm-simd", sizes, batch)];
    for (const backend of ["webgl", "wasm"] as const) {
      await tf.setBackend(backend);
      await tf.ready();
      const step = tfjsTrainStep(sizes, batch);
      contenders.push({
        name: `TF.js ${backend}`,
        run: async () => {
          if (tf.getBackend() !== backend) await tf.setBackend(backend);
          step.run();
        },
        sync: step.sync,
      });
    }
    training[name] = Object.fromEntries(await measure(contenders, { rounds: 5 }));
  }
  return { renderer: webgl2.renderer, userAgent: navigator.userAgent, update, training };
}

const w = window as unknown as { benchResult?: unknown; benchError?: string };
main().then((r) => (w.benchResult = r), (e) => (w.benchError = String(e?.stack ?? e)));
