// The demo page: one network trained on two devices step by step, with live plots.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import {
  init, availableDevices, gpuarray, randn, Random, Sequential, Linear, Activation, tanh, relu, Dropout, MSE,
  CrossEntropy, Conv2D, BatchNorm2D, MaxPool2D, Flatten, ulpDistance, reproducibilityReport, formatReport,
  PortableOptimError, loadIdx, standardizeImages, FASHION_MNIST_CLASSES, FASHION_MNIST_MEAN, FASHION_MNIST_STD,
  type DeviceArray, type DeviceName, type Module, type Optimizer, type ImageSet,
} from "../src/index.js";
import { WebGL2Device } from "../src/devices/webgl2/index.js";
import { imageSet } from "../src/data/fashionMnist.js";
import { argmax } from "../src/costs/CrossEntropy.js";
import { OPTIMIZERS, type OptimizerName } from "../src/optimizers/index.js";

type Task = "seed" | "fit" | "fashion" | "cnn";
/** The Fashion-MNIST tasks (an MLP, a CNN): classifiers trained on the real images. */
const classifies = (task: Task) => task === "fashion" || task === "cnn";
/** The classifier tasks: test accuracy on the first TEST_IMAGES test images every EVALUATE_EVERY steps; SHOWN of them drawn. */
const TEST_IMAGES = 1000;
/** Test images per forward pass: the CNN's patches of all TEST_IMAGES at once would take 400 MB. */
const TEST_CHUNK = 100;
const EVALUATE_EVERY = 100;
const SHOWN = 16;
const PIXELS = 784;

let fashionData: Promise<{ train: ImageSet; test: ImageSet }> | null = null;

/** Fashion-MNIST as the demo server serves it (Debian's files), read with loadIdx, pixels standardized. */
function fashionMnist() {
  fashionData ??= (async () => {
    const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
      ["train-images-idx3", "train-labels-idx1", "t10k-images-idx3", "t10k-labels-idx1"].map(async (name) => {
        const response = await fetch(`data/fashion-mnist/${name}-ubyte.gz`);
        if (!response.ok) throw new Error(`data/fashion-mnist/${name}-ubyte.gz: HTTP ${response.status} (is dataset-fashion-mnist installed?)`);
        return loadIdx(new Uint8Array(await response.arrayBuffer()));
      }));
    return {
      train: standardizeImages(imageSet(trainImages, trainLabels, "training")),
      test: standardizeImages(imageSet(testImages, testLabels, "test")),
    };
  })();
  return fashionData;
}
const GRID = 32; // the fit task's target is sampled on a GRID × GRID lattice over [-1, 1]²
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const numberInput = (id: string) => Number($<HTMLInputElement>(id).value);

/** The fit task's inputs (x, y) and target sin(3x)·cos(3y) on the grid. */
const grid = (() => {
  const points = new Float32Array(GRID * GRID * 2);
  const values = new Float32Array(GRID * GRID);
  for (let i = 0; i < GRID * GRID; i++) {
    const x = -1 + (2 * (i % GRID)) / (GRID - 1);
    const y = -1 + (2 * Math.floor(i / GRID)) / (GRID - 1);
    points.set([x, y], 2 * i);
    values[i] = Math.sin(3 * x) * Math.cos(3 * y);
  }
  return { points, values };
})();

interface Trainer {
  device: DeviceName;
  net: Module;
  optimizer: Optimizer;
  loss: MSE | CrossEntropy;
  data: DeviceArray;
  /** The regression tasks' target; the classifier's labels are on the host. */
  target: DeviceArray | null;
  /** The classifier's first TEST_IMAGES test images on this device. */
  testImages: DeviceArray | null;
  errors: number[];
  seconds: number;
  /** The classifier's last test accuracy and the predicted labels of the test images. */
  accuracy: number | null;
  predicted: Int32Array | null;
  dispose(): void;
}

async function makeTrainer(device: DeviceName, task: Task, hidden: number, batch: number): Promise<Trainer> {
  await init({ device });
  if (classifies(task)) {
    const { test } = await fashionMnist();
    const image = task === "cnn" ? [1, 28, 28] : [PIXELS];
    const data = gpuarray.zeros([batch, ...image]);
    const testImages = gpuarray.toGpu(test.images.subarray(0, TEST_IMAGES * PIXELS), [TEST_IMAGES, ...image]);
    const net = new Sequential(task === "cnn" ? cnnLayers(hidden) : hidden === 0
      ? [new Linear(PIXELS, 10, { seed: 3 })] // hidden width 0: a linear classifier (multinomial logistic regression)
      : [new Linear(PIXELS, hidden, { seed: 3 }), new Activation(relu), new Dropout({ p: 0.2, seed: 4 }), new Linear(hidden, 10, { seed: 5 })]);
    const optimizer = new OPTIMIZERS[optimizerName()](hyperParameters());
    optimizer.setupOn(net, { useGlobalState: true });
    const loss = new CrossEntropy();
    return {
      device, net, optimizer, loss, data, target: null, testImages, errors: [], seconds: 0, accuracy: null, predicted: null,
      dispose: () => [data, testImages, optimizer, net, loss].forEach((x) => x.dispose()),
    };
  }
  const [inputs, outputs] = task === "seed" ? [128, 1] : [2, 1];
  const data = task === "seed" ? gpuarray.toGpu(randn([batch, inputs], 1), [batch, inputs]) : gpuarray.zeros([batch, inputs]);
  const target = task === "seed" ? gpuarray.toGpu(randn([batch, outputs], 2), [batch, outputs]) : gpuarray.zeros([batch, outputs]);
  // hidden 0 with the seed task is exactly the seed example (examples/seed.ts).
  const net = new Sequential(hidden === 0 ? [new Linear(inputs, outputs, { seed: 3 })] : [
    new Linear(inputs, hidden, { seed: 3 }), new Activation(tanh),
    new Linear(hidden, hidden, { seed: 4 }), new Activation(tanh),
    new Linear(hidden, outputs, { seed: 5 }),
  ]);
  const optimizer = new OPTIMIZERS[optimizerName()](hyperParameters());
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new MSE();
  return {
    device, net, optimizer, loss, data, target, testImages: null, errors: [], seconds: 0, accuracy: null, predicted: null,
    dispose: () => [data, target, optimizer, net, loss].forEach((x) => x.dispose()),
  };
}

/**
 * The Fashion-MNIST example's CNN with `maps` maps in the first convolution (twice as many
 * in the second): 5×5 convolutions with BatchNorm2D, relu and 2×2 max-pooling, then dense.
 */
function cnnLayers(maps: number) {
  return [
    new Conv2D(1, maps, 5, { pad: 2, seed: 3 }), new BatchNorm2D(maps, { seed: 4 }), new Activation(relu), new MaxPool2D(2, 2),
    new Conv2D(maps, 2 * maps, 5, { pad: 2, seed: 5 }), new BatchNorm2D(2 * maps, { seed: 6 }), new Activation(relu),
    new MaxPool2D(2, 2), new Flatten(), new Linear(2 * maps * 7 * 7, 10, { seed: 7 }),
  ];
}

const optimizerName = () => $<HTMLSelectElement>("optimizer").value as OptimizerName;

/** The hyper-parameters of the chosen optimizer, from the inputs showHyperParameters() made. */
function hyperParameters(): Record<string, number> {
  return Object.fromEntries([...$("hyper").querySelectorAll("input")].map((input) => [input.id, Number(input.value)]));
}

/**
 * One input per hyper-parameter of the chosen optimizer, at its default (the learning
 * rate at the task's); a change sets it on both trainers, which check it.
 */
function showHyperParameters(): void {
  const hyper = $("hyper");
  hyper.replaceChildren();
  for (const [id, value] of Object.entries(new OPTIMIZERS[optimizerName()]().hyperParameters as Record<string, number>)) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    Object.assign(input, { id, type: "number", step: "any", value: String(id === "learnRate" ? taskLearnRate() : value) });
    input.addEventListener("change", () => {
      try {
        for (const t of demo.trainers) (t.optimizer as unknown as Record<string, number>)[id] = numberInput(id);
        $("error").textContent = "";
      } catch (error) {
        showError(error);
      }
    });
    label.append(`${id} `, input);
    hyper.append(label);
  }
}

const TASK_RATES: Record<Task, number> = { seed: 0.001, fit: 0.003, fashion: 0.0001, cnn: 0.001 };
const taskLearnRate = () => TASK_RATES[$<HTMLSelectElement>("task").value as Task];

/** The fit task's batch for a step: points drawn from the grid with the step as seed, the same on both devices. */
function fitBatch(step: number, batch: number) {
  const random = new Random(step + 1);
  const x = new Float32Array(batch * 2);
  const y = new Float32Array(batch);
  for (let i = 0; i < batch; i++) {
    const k = random.nextUint32() % (GRID * GRID);
    x.set(grid.points.subarray(2 * k, 2 * k + 2), 2 * i);
    y[i] = grid.values[k];
  }
  return { x, y };
}

const demo = {
  task: "seed" as Task,
  steps: 0,
  trainers: [] as Trainer[],
  ulps: [[], []] as [number[], number[]],
  paused: false,
  ready: false,
};
(window as unknown as { demo: typeof demo }).demo = demo;

// The first device as a wide translucent band, the second as a thin line over it: when
// the two are bit-identical the line runs inside the band instead of hiding it.
const strokes = [{ stroke: "rgba(217, 72, 15, 0.45)", width: 6 }, { stroke: "#1971c2", width: 1.25 }];
let lossPlot: uPlot;
let ulpPlot: uPlot;

function makePlots(devices: DeviceName[]) {
  lossPlot?.destroy();
  ulpPlot?.destroy();
  lossPlot = new uPlot({
    title: "error (log scale)", width: 560, height: 280, scales: { x: { time: false }, y: { distr: 3 } },
    // uPlot's default labels round small values to 0: powers of ten as 1e-5 instead.
    axes: [{}, { size: 56, values: (_, splits) => splits.map((v) => (v == null ? "" : v.toExponential(0))) }],
    series: [{ label: "step" }, ...devices.map((d, i) => ({ label: d, ...strokes[i] }))],
  }, [[], [], []], $("loss-plot"));
  ulpPlot = new uPlot({
    title: "largest ULP distance between the devices' weights, per step", width: 560, height: 280,
    // From 0 to the largest distance seen (at least 1), so that small distances show.
    scales: { x: { time: false }, y: { range: (_, __, max) => [0, Math.max(1, max ?? 0)] } },
    series: [{ label: "step" }, { label: "ULP", stroke: "#2b8a3e", width: 1.5 }],
  }, [[], []], $("ulp-plot"));
}

function showError(error: unknown) {
  $("error").textContent = error instanceof PortableOptimError ? `${error.name}: ${error.message}` : String(error);
}

async function reset() {
  demo.paused = true;
  $("error").textContent = "";
  for (const t of demo.trainers) t.dispose();
  demo.trainers = [];
  demo.steps = 0;
  demo.ulps = [[], []];
  demo.task = $<HTMLSelectElement>("task").value as Task;
  try {
    const hidden = numberInput("hidden");
    const batch = numberInput("batch");
    const statuses = await availableDevices();
    // webgl2 against wasm-simd; where there is no WebGL2, the scalar build stands in.
    const first: DeviceName = statuses.find((s) => s.name === "webgl2")?.available ? "webgl2" : "wasm";
    for (const device of [first, "wasm-simd"] as DeviceName[]) demo.trainers.push(await makeTrainer(device, demo.task, hidden, batch));
    $("device-a").textContent = first;
    makePlots(demo.trainers.map((t) => t.device));
    $("field").hidden = demo.task !== "fit";
    $("fashion").hidden = !classifies(demo.task);
    for (const cell of document.querySelectorAll<HTMLElement>(".accuracy")) cell.hidden = !classifies(demo.task);
    if (demo.task === "fit") drawField($<HTMLCanvasElement>("target-image"), grid.values);
    demo.paused = false;
    demo.ready = true;
  } catch (error) {
    showError(error);
  }
}

/** The classifier's batch for a step: training images drawn with the step as seed, the same on both devices. */
function fashionBatch(step: number, batch: number, train: ImageSet) {
  const random = new Random(step + 1);
  const x = new Float32Array(batch * PIXELS);
  const labels = new Int32Array(batch);
  for (let i = 0; i < batch; i++) {
    const k = random.nextUint32() % train.count;
    x.set(train.images.subarray(k * PIXELS, (k + 1) * PIXELS), i * PIXELS);
    labels[i] = train.labels[k];
  }
  return { x, labels };
}

/**
 * Each trainer's test accuracy on the first TEST_IMAGES test images, in evaluation mode (no
 * dropout, BatchNorm2D's running statistics), TEST_CHUNK images per forward pass.
 */
function evaluate(test: ImageSet) {
  for (const t of demo.trainers) {
    t.net.evalMode();
    const images = t.testImages!;
    const size = images.size / TEST_IMAGES;
    const scores = new Float32Array(TEST_IMAGES * 10);
    for (let start = 0; start < TEST_IMAGES; start += TEST_CHUNK) {
      const chunk = images.view(start * size, [TEST_CHUNK, ...images.shape.slice(1)]);
      scores.set(t.net.forward(chunk).get(), start * 10);
    }
    t.net.trainMode();
    t.predicted = argmax(scores, { n: TEST_IMAGES, classes: 10, positions: 1 });
    t.accuracy = t.predicted.reduce((right, p, i) => right + (p === test.labels[i] ? 1 : 0), 0) / TEST_IMAGES;
  }
}

/** One step on both devices, with the same batch. */
function step(data: { train: ImageSet; test: ImageSet } | null) {
  const batch = demo.trainers[0].data.shape[0];
  const fit = demo.task === "fit" ? fitBatch(demo.steps, batch) : null;
  const classify = data ? fashionBatch(demo.steps, batch, data.train) : null;
  for (const t of demo.trainers) {
    const start = performance.now();
    if (fit) {
      t.data.set(fit.x);
      t.target!.set(fit.y);
    }
    if (classify) t.data.set(classify.x);
    const scores = t.net.forward(t.data);
    const [error, grad] = t.loss instanceof CrossEntropy ? t.loss.compute(scores, classify!.labels)
      : t.loss.compute(scores, t.target!);
    t.optimizer.zeroGradParams();
    t.net.backward(grad, { updGrad: false });
    t.optimizer.update();
    t.errors.push(error);
    t.seconds += (performance.now() - start) / 1000;
  }
  demo.steps++;
  demo.ulps[0].push(demo.steps);
  demo.ulps[1].push(weightsUlp());
  if (data && demo.steps % EVALUATE_EVERY === 0) {
    evaluate(data.test);
    drawGallery(data.test);
  }
}

/** The first SHOWN test images with the second device's predicted labels, red where wrong. */
function drawGallery(test: ImageSet) {
  const predicted = demo.trainers[1].predicted!;
  $("gallery").replaceChildren(...Array.from({ length: SHOWN }, (_, i) => {
    const canvas = Object.assign(document.createElement("canvas"), { width: 28, height: 28 });
    const context = canvas.getContext("2d")!;
    const image = context.createImageData(28, 28);
    for (let p = 0; p < PIXELS; p++) {
      const v = 255 - Math.max(0, Math.min(255, Math.round((test.images[i * PIXELS + p] * FASHION_MNIST_STD + FASHION_MNIST_MEAN) * 255)));
      image.data.set([v, v, v, 255], 4 * p);
    }
    context.putImageData(image, 0, 0);
    const figure = document.createElement("figure");
    const right = predicted[i] === test.labels[i];
    const caption = Object.assign(document.createElement("figcaption"), {
      textContent: right ? FASHION_MNIST_CLASSES[predicted[i]] : `${FASHION_MNIST_CLASSES[predicted[i]]} (is ${FASHION_MNIST_CLASSES[test.labels[i]]})`,
      className: right ? "" : "wrong",
    });
    figure.append(canvas, caption);
    return figure;
  }));
}

function weightsUlp(): number {
  const [a, b] = demo.trainers;
  let worst = 0;
  for (const [variable, [name]] of a.net.getVarTable()) {
    const x = variable.data.get();
    const y = b.net.getVar(name).data.get();
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, ulpDistance(x[i], y[i]));
  }
  return worst;
}

function drawField(canvas: HTMLCanvasElement, values: ArrayLike<number>) {
  const context = canvas.getContext("2d")!;
  const image = context.createImageData(GRID, GRID);
  for (let i = 0; i < GRID * GRID; i++) {
    const v = Math.max(-1, Math.min(1, values[i]));
    image.data.set(v >= 0 ? [255, 255 * (1 - v), 255 * (1 - v), 255] : [255 * (1 + v), 255 * (1 + v), 255, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
}

function render() {
  const x = Array.from({ length: demo.steps }, (_, i) => i + 1);
  lossPlot.setData([x, ...demo.trainers.map((t) => t.errors)] as uPlot.AlignedData);
  ulpPlot.setData(demo.ulps as unknown as uPlot.AlignedData);
  $("stats").replaceChildren(...demo.trainers.map((t) => {
    const row = document.createElement("tr");
    row.dataset.device = t.device;
    for (const text of [t.device, String(demo.steps), String(t.errors.at(-1)), (t.errors.length / t.seconds).toFixed(0)]) {
      row.append(Object.assign(document.createElement("td"), { textContent: text }));
    }
    row.append(Object.assign(document.createElement("td"), {
      className: "accuracy", hidden: !classifies(demo.task),
      textContent: t.accuracy === null ? "" : `${(100 * t.accuracy).toFixed(1)}%`,
    }));
    return row;
  }));
  if (demo.task === "fit") {
    const b = demo.trainers[1];
    const points = gpuarray.toGpu(grid.points, [GRID * GRID, 2]);
    drawField($<HTMLCanvasElement>("fit-image"), b.net.forward(points).get());
    points.dispose();
  }
}

async function frame() {
  if (!demo.paused && demo.trainers.length === 2) {
    try {
      const data = classifies(demo.task) ? await fashionMnist() : null;
      // Enough steps for about 30 ms of the slower device's time per frame.
      const perStep = Math.max(...demo.trainers.map((t) => (t.errors.length ? t.seconds / t.errors.length : 0.001)));
      const count = Math.max(1, Math.min(50, Math.round(0.03 / perStep)));
      for (let i = 0; i < count && !demo.paused; i++) step(data);
      render();
    } catch (error) {
      demo.paused = true;
      showError(error);
    }
  }
  requestAnimationFrame(() => void frame());
}

async function describeDevices() {
  const statuses = await availableDevices();
  const threads = (s: (typeof statuses)[number]) => (s.threads === undefined ? "" : `, ${s.threads} thread` +
    `${s.threads === 1 ? "" : "s"}${s.threadsReason ? ` (${s.threadsReason})` : ""}`);
  $("devices").replaceChildren(...statuses.map((s) => Object.assign(document.createElement("li"), {
    textContent: `${s.name}: ${s.available ? (s.preferred ? "available" : `available, but ${s.reason}`) : `not available: ${s.reason}`}` +
      threads(s),
  })));
  const chosen = statuses.find((s) => s.available && s.preferred)!;
  const passedOver = statuses.filter((s) => s.available && !s.preferred);
  $("choice").textContent = `init() would choose ${chosen.name} here (${chosen.name === "webgl2" ? "GPU" : "CPU"})` +
    (passedOver.length ? `, passing over ${passedOver.map((s) => `${s.name} because ${s.reason}`).join("; ")}` : "") + ".";
  const webgl2 = statuses.find((s) => s.name === "webgl2");
  if (webgl2?.available) {
    const device = (await init({ device: "webgl2" })) as WebGL2Device;
    $("renderer").textContent = `WebGL2 renderer: ${device.renderer}`;
  } else {
    $("renderer").textContent = `No WebGL2 here: ${webgl2?.reason}`;
  }
}

const select = $<HTMLSelectElement>("optimizer");
for (const name of Object.keys(OPTIMIZERS)) select.add(new Option(name, name, false, name === "RMSPropGraves"));
select.addEventListener("change", () => {
  showHyperParameters();
  void reset();
});
showHyperParameters();
$("reset").addEventListener("click", () => void reset());
$("task").addEventListener("change", () => {
  const task = $<HTMLSelectElement>("task").value as Task;
  $<HTMLInputElement>("hidden").value = { seed: "0", fit: "32", fashion: "128", cnn: "8" }[task];
  $<HTMLInputElement>("batch").value = { seed: "16", fit: "64", fashion: "64", cnn: "32" }[task];
  const learnRate = document.getElementById("learnRate") as HTMLInputElement | null;
  if (learnRate) learnRate.value = String(taskLearnRate());
  void reset();
});
$("report").addEventListener("click", async () => {
  demo.paused = true;
  const output = $("report-output");
  output.hidden = false;
  output.textContent = "running...";
  try {
    output.textContent = formatReport(await reproducibilityReport());
  } catch (error) {
    showError(error);
  }
  demo.paused = false;
});

await describeDevices();
await reset();
requestAnimationFrame(() => void frame());
