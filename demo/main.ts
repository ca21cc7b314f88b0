// The demo page: one network trained on two devices step by step, with live plots.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import {
  init, availableDevices, gpuarray, randn, Random, Sequential, Linear, Activation, tanh, MSE,
  WebGL2Device, ulpDistance, reproducibilityReport, formatReport, PortableOptimError,
  type DeviceArray, type DeviceName, type Module, type Optimizer,
} from "../src/index.js";
import { OPTIMIZERS, type OptimizerName } from "../src/optimizers/index.js";

type Task = "seed" | "fit";
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
  loss: MSE;
  data: DeviceArray;
  target: DeviceArray;
  errors: number[];
  seconds: number;
  dispose(): void;
}

async function makeTrainer(device: DeviceName, task: Task, hidden: number, batch: number): Promise<Trainer> {
  await init({ device });
  const [inputs, outputs] = task === "seed" ? [128, 1] : [2, 1];
  const data = task === "seed" ? gpuarray.toGpu(randn([batch, inputs], 1), [batch, inputs]) : gpuarray.zeros([batch, inputs]);
  const target = task === "seed" ? gpuarray.toGpu(randn([batch, outputs], 2), [batch, outputs]) : gpuarray.zeros([batch, outputs]);
  // hidden 0 with the seed task is exactly the README's seed example.
  const net = new Sequential(hidden === 0 ? [new Linear(inputs, outputs, { seed: 3 })] : [
    new Linear(inputs, hidden, { seed: 3 }), new Activation(tanh),
    new Linear(hidden, hidden, { seed: 4 }), new Activation(tanh),
    new Linear(hidden, outputs, { seed: 5 }),
  ]);
  const optimizer = new OPTIMIZERS[optimizerName()](hyperParameters());
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new MSE();
  return {
    device, net, optimizer, loss, data, target, errors: [], seconds: 0,
    dispose: () => [data, target, optimizer, net, loss].forEach((x) => x.dispose()),
  };
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

const taskLearnRate = () => ($<HTMLSelectElement>("task").value === "fit" ? 0.003 : 0.001);

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
    if (demo.task === "fit") drawField($<HTMLCanvasElement>("target-image"), grid.values);
    demo.paused = false;
    demo.ready = true;
  } catch (error) {
    showError(error);
  }
}

/** One step on both devices, with the same batch. */
function step() {
  const batch = demo.trainers[0].data.shape[0];
  const fit = demo.task === "fit" ? fitBatch(demo.steps, batch) : null;
  for (const t of demo.trainers) {
    const start = performance.now();
    if (fit) {
      t.data.set(fit.x);
      t.target.set(fit.y);
    }
    const [error, grad] = t.loss.compute(t.net.forward(t.data), t.target);
    t.optimizer.zeroGradParams();
    t.net.backward(grad, { updGrad: false });
    t.optimizer.update();
    t.errors.push(error);
    t.seconds += (performance.now() - start) / 1000;
  }
  demo.steps++;
  demo.ulps[0].push(demo.steps);
  demo.ulps[1].push(weightsUlp());
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
    return row;
  }));
  if (demo.task === "fit") {
    const b = demo.trainers[1];
    const points = gpuarray.toGpu(grid.points, [GRID * GRID, 2]);
    drawField($<HTMLCanvasElement>("fit-image"), b.net.forward(points).get());
    points.dispose();
  }
}

function frame() {
  if (!demo.paused && demo.trainers.length === 2) {
    try {
      // Enough steps for about 30 ms of the slower device's time per frame.
      const perStep = Math.max(...demo.trainers.map((t) => (t.errors.length ? t.seconds / t.errors.length : 0.001)));
      const count = Math.max(1, Math.min(50, Math.round(0.03 / perStep)));
      for (let i = 0; i < count; i++) step();
      render();
    } catch (error) {
      demo.paused = true;
      showError(error);
    }
  }
  requestAnimationFrame(frame);
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
  const fit = $<HTMLSelectElement>("task").value === "fit";
  $<HTMLInputElement>("hidden").value = fit ? "32" : "0";
  $<HTMLInputElement>("batch").value = fit ? "64" : "16";
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
requestAnimationFrame(frame);
