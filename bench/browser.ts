// Runs in Chromium (bench/browser-run.ts serves it): the webgl2 update against TF.js's
// webgl backend and against a texture copy of the same bytes, wasm-simd against TF.js
// wasm, and training steps (the MLPs, the Fashion-MNIST MLP and CNN) on the matching backend pairs, jax-js's
// wasm and webgl steps and its devices' agreement against ours; on a cross-origin isolated
// page, wasm-simd on threads against TF.js wasm on its threads; on ?webgpu, the webgpu
// device against TF.js's webgpu backend and jax-js's webgpu device on the same adapter, with
// this package's webgl2 beside them.
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import "@tensorflow/tfjs-backend-webgpu";
import { getDevice, randn, SGD } from "../src/index.js";
import { WebGL2Device } from "../src/devices/webgl2/index.js";
import { WebGPUDevice } from "../src/devices/webgpu/index.js";
import { measure, type Contender } from "./harness.ts";
import { NETS, copyFloor, oursClassifierStep, oursCnnStep, oursTrainStep, oursTrainedWeights, oursUpdate } from "./ours.ts";
import { jaxCnnStep, jaxDevice, jaxTrainStep } from "./jaxjs.ts";
import { onBackend, tfjsClassifierStep, tfjsCnnStep, tfjsTrainStep, tfjsUpdate } from "./tfjs.ts";

/** The Fashion-MNIST MLP's batch here: standard normal pixels (the page reads no files; the step's cost does not depend on them). */
const CLASSIFIER_BATCH = { images: randn([64, 784], 5), labels: Int32Array.from({ length: 64 }, (_, i) => i % 10) };
const CLASSIFIER = "Fashion-MNIST MLP 784-256-10, CrossEntropy, batch 64";
const CNN = "Fashion-MNIST CNN, CrossEntropy, batch 64";

setWasmPaths("/tfjs-wasm/");

/**
 * On a cross-origin isolated page (?isolated): the WebAssembly contenders only, wasm-simd
 * on one thread and on all of them, against TF.js wasm, which uses its own threads there.
 */
async function isolated() {
  const threads = Math.min(8, navigator.hardwareConcurrency);
  const update: Record<string, Record<string, number>> = {};
  for (const size of [65536, 1 << 20]) {
    const contenders = [await oursUpdate("wasm-simd", size), await oursUpdate("wasm-simd", size, "keep", threads),
      await onBackend("wasm", () => tfjsUpdate(size))];
    update[String(size)] = Object.fromEntries(await measure(contenders, { rounds: 7 }));
    contenders.forEach((c) => c.dispose());
  }
  const training: Record<string, Record<string, number>> = {};
  for (const [name, sizes, batch] of NETS) {
    const contenders: Contender[] = [await oursTrainStep("wasm-simd", sizes, batch),
      await oursTrainStep("wasm-simd", sizes, batch, "keep", threads), await onBackend("wasm", () => tfjsTrainStep(sizes, batch))];
    training[name] = Object.fromEntries(await measure(contenders, { rounds: 7 }));
  }
  return { isolated: crossOriginIsolated, threads, userAgent: navigator.userAgent, update, training };
}

/**
 * On ?webgpu: the update and the training steps on webgpu (in both subnormal modes: on an
 * adapter that flushes subnormals, "keep" runs emulated) against TF.js's webgpu backend
 * (RMSPropGraves against its centered RMSProp) and jax-js's webgpu device (SGD), this
 * package's webgl2 beside them; medians of interleaved rounds.
 */
async function webgpu() {
  const gpu = (await getDevice("webgpu")) as WebGPUDevice;
  const webgl2 = (await getDevice("webgl2")) as WebGL2Device;
  const update: Record<string, Record<string, number>> = {};
  for (const size of [65536, 1 << 20]) {
    const contenders = [await oursUpdate("webgpu", size), await oursUpdate("webgpu", size, "flush"), await oursUpdate("webgl2", size),
      await onBackend("webgpu", () => tfjsUpdate(size))];
    update[String(size)] = Object.fromEntries(await measure(contenders, { rounds: 5 }));
    contenders.forEach((c) => c.dispose());
  }
  const training: Record<string, Record<string, number>> = {};
  for (const [name, sizes, batch] of NETS) {
    const contenders: Contender[] = [await oursTrainStep("webgpu", sizes, batch), await oursTrainStep("webgpu", sizes, batch, "flush"),
      await oursTrainStep("webgl2", sizes, batch),
      await onBackend("webgpu", () => tfjsTrainStep(sizes, batch))];
    training[name] = Object.fromEntries(await measure(contenders, { rounds: 5 }));
  }
  training[CLASSIFIER] = Object.fromEntries(await measure([await oursClassifierStep("webgpu", CLASSIFIER_BATCH),
    await oursClassifierStep("webgpu", CLASSIFIER_BATCH, "flush"),
    await oursClassifierStep("webgl2", CLASSIFIER_BATCH),
    await onBackend("webgpu", () => tfjsClassifierStep(CLASSIFIER_BATCH.images, CLASSIFIER_BATCH.labels))], { rounds: 5 }));
  training[CNN] = Object.fromEntries(await measure([await oursCnnStep("webgpu", CLASSIFIER_BATCH),
    await oursCnnStep("webgpu", CLASSIFIER_BATCH, "flush"),
    await oursCnnStep("webgl2", CLASSIFIER_BATCH),
    await onBackend("webgpu", () => tfjsCnnStep(CLASSIFIER_BATCH.images, CLASSIFIER_BATCH.labels))], { rounds: 3 }));
  const jax: Record<string, Record<string, number>> = {};
  if (await jaxDevice("webgpu")) {
    for (const [name, sizes, batch] of NETS) {
      const sgd = () => new SGD({ learnRate: 0.01 });
      const step = jaxTrainStep("webgpu", sizes, batch, "sgd", 0.01);
      jax[name] = Object.fromEntries(await measure([await oursTrainStep("webgpu", sizes, batch, "keep", 1, sgd),
        await oursTrainStep("webgpu", sizes, batch, "flush", 1, sgd),
        await oursTrainStep("webgl2", sizes, batch, "keep", 1, sgd), { name: "jax-js webgpu", run: step.run, sync: step.sync }],
      { rounds: 5 }));
    }
  }
  return { adapter: gpu.adapterDescription, flushes: gpu.flushesSubnormals, renderer: webgl2.renderer,
    userAgent: navigator.userAgent, update, training, jax };
}

async function main() {
  if (location.search === "?isolated") return isolated();
  if (location.search === "?webgpu") return webgpu();
  const webgl2 = (await getDevice("webgl2")) as WebGL2Device;
  const update: Record<string, Record<string, number>> = {};
  for (const size of [4096, 65536, 1 << 20]) {
    const contenders = [await oursUpdate("webgl2", size), await oursUpdate("webgl2", size, "fast"),
      await copyFloor("webgl2", size),
      await onBackend("webgl", () => tfjsUpdate(size)), await oursUpdate("wasm-simd", size),
      await onBackend("wasm", () => tfjsUpdate(size))];
    update[String(size)] = Object.fromEntries(await measure(contenders, { rounds: 5 }));
    contenders.forEach((c) => c.dispose());
  }
  const training: Record<string, Record<string, number>> = {};
  for (const [name, sizes, batch] of NETS) {
    const contenders: Contender[] = [await oursTrainStep("webgl2", sizes, batch),
      await oursTrainStep("webgl2", sizes, batch, "fast"), await oursTrainStep("wasm-simd", sizes, batch)];
    for (const backend of ["webgl", "wasm"]) contenders.push(await onBackend(backend, () => tfjsTrainStep(sizes, batch)));
    training[name] = Object.fromEntries(await measure(contenders, { rounds: 5 }));
  }
  const classifier: Contender[] = [await oursClassifierStep("webgl2", CLASSIFIER_BATCH),
    await oursClassifierStep("webgl2", CLASSIFIER_BATCH, "fast"), await oursClassifierStep("wasm-simd", CLASSIFIER_BATCH)];
  for (const backend of ["webgl", "wasm"]) {
    classifier.push(await onBackend(backend, () => tfjsClassifierStep(CLASSIFIER_BATCH.images, CLASSIFIER_BATCH.labels)));
  }
  training[CLASSIFIER] = Object.fromEntries(await measure(classifier, { rounds: 5 }));
  // The CNN: TF.js's wasm backend cannot train it (no Conv2DBackpropFilter, tfjs#8474).
  const cnn: Contender[] = [await oursCnnStep("webgl2", CLASSIFIER_BATCH), await oursCnnStep("webgl2", CLASSIFIER_BATCH, "fast"),
    await oursCnnStep("wasm-simd", CLASSIFIER_BATCH), await onBackend("webgl", () => tfjsCnnStep(CLASSIFIER_BATCH.images, CLASSIFIER_BATCH.labels))];
  training[CNN] = Object.fromEntries(await measure(cnn, { rounds: 3 }));
  return { renderer: webgl2.renderer, userAgent: navigator.userAgent, update, training, jax: await jaxSection() };
}

/**
 * jax-js (its jit(valueAndGrad) SGD step, bench/jaxjs.ts) on its wasm and webgl devices
 * against ours on wasm-simd and webgl2, the same nets; then 100 SGD steps of the small
 * net on each library's devices, the first layer's weights compared between devices.
 */
async function jaxSection() {
  const devices: ("wasm" | "webgl")[] = [];
  for (const d of ["wasm", "webgl"] as const) if (await jaxDevice(d)) devices.push(d);
  const steps: Record<string, Record<string, number>> = {};
  for (const [name, sizes, batch] of NETS) {
    const sgd = () => new SGD({ learnRate: 0.01 });
    const contenders: Contender[] = [await oursTrainStep("webgl2", sizes, batch, "keep", 1, sgd),
      await oursTrainStep("wasm-simd", sizes, batch, "keep", 1, sgd)];
    for (const d of devices) {
      const step = jaxTrainStep(d, sizes, batch, "sgd", 0.01);
      contenders.push({ name: `jax-js ${d}`, run: step.run, sync: step.sync });
    }
    steps[name] = Object.fromEntries(await measure(contenders, { rounds: 5 }));
  }
  {
    const sgd = () => new SGD({ learnRate: 0.01 });
    const contenders: Contender[] = [await oursCnnStep("webgl2", CLASSIFIER_BATCH, "keep", 1, sgd),
      await oursCnnStep("wasm-simd", CLASSIFIER_BATCH, "keep", 1, sgd)];
    for (const d of devices) {
      const step = jaxCnnStep(d, CLASSIFIER_BATCH.images, CLASSIFIER_BATCH.labels, 0.01);
      contenders.push({ name: `jax-js ${d}`, run: step.run, sync: step.sync });
    }
    steps[CNN] = Object.fromEntries(await measure(contenders, { rounds: 3 }));
  }
  const weights: Record<string, number[]> = {};
  for (const d of ["cpu" as const, ...devices]) {
    await jaxDevice(d);
    const run = jaxTrainStep(d, NETS[0][1], NETS[0][2], "sgd", 0.01);
    for (let i = 0; i < 100; i++) run.run();
    weights[`jax-js ${d}`] = Array.from(await run.weights());
  }
  for (const d of ["webgl2", "wasm-simd", "js"] as const) weights[d] = Array.from(await oursTrainedWeights(d, NETS[0][1], NETS[0][2]));
  return { devices, steps, weights };
}

const w = window as unknown as { benchResult?: unknown; benchError?: string };
main().then((r) => (w.benchResult = r), (e) => (w.benchError = String(e?.stack ?? e)));
