import type { Device, DeviceName, MatmulShape, SubnormalMode } from "./runtime/Device.js";
import { DeviceArray } from "./runtime/DeviceArray.js";
import { DEVICE_PREFERENCE, currentDevice, getDevice, init, type InitOptions } from "./runtime/registry.js";
import * as gpuarray from "./gpuarray.js";
import { Random, randn } from "./random.js";
import { Sequential } from "./modules/Sequential.js";
import { Linear } from "./modules/Linear.js";
import { MSE } from "./costs/MSE.js";
import { CrossEntropy } from "./costs/CrossEntropy.js";
import { Activation } from "./modules/Activation.js";
import { Dropout } from "./modules/Dropout.js";
import { Add, Graph } from "./modules/Graph.js";
import { Conv2D } from "./modules/Conv2D.js";
import { BatchNorm2D } from "./modules/BatchNorm2D.js";
import { AvgPool2D, MaxPool2D } from "./modules/Pool2D.js";
import { Flatten } from "./modules/Reshape.js";
import { dropoutKeys, keepThreshold } from "./kernels/random.js";
import { RMSPropGraves } from "./optimizers/RMSPropGraves.js";
import { OPTIMIZERS, type OptimizerName } from "./optimizers/index.js";
import { kernel, runElementwise } from "./runtime/kernels.js";
import { Module } from "./modules/Module.js";
import { Variable } from "./Variable.js";
import { WebGL2Device } from "./devices/webgl2/index.js";
import { WebGPUDevice } from "./devices/webgpu/index.js";
import { ulpDistance } from "./ulp.js";
import { float32Bits } from "./kernels/vocabulary.js";

export { ulpDistance };



/** One array of one check on one device, compared with the js reference. */
export interface ReproducibilityRow {
  /** What was run ("update, 100 steps", "matmul", ...). */
  check: string;
  /** The output array compared. */
  array: string;
  /** The device compared with the js reference. */
  device: DeviceName;
  /** Largest distance from the js reference in ULPs, over the elements not counted in flushedSubnormals. */
  maxUlp: number;
  /** Elements whose bits differ from the js reference. */
  differing: number;
  /**
   * Of those, elements where the reference is subnormal (|x| < 2^-126) and the device
   * gave zero: a GPU flushing subnormals, an absolute difference below 2^-126.
   */
  flushedSubnormals: number;
  /** The array's elements. */
  elements: number;
}

/** What reproducibilityReport() returns: the devices it ran and one row per check and device. */
export interface ReproducibilityReport {
  /** One row per check, array and device. */
  rows: ReproducibilityRow[];
  /** The subnormal mode every device ran in (see init({ subnormals })). */
  subnormals: SubnormalMode;
  /** The devices compared and, for webgl2 and webgpu, the GL renderer or WebGPU adapter. */
  devices: {
    /** The device. */
    name: DeviceName;
    /** webgl2: the GL renderer. */
    renderer?: string;
    /** webgpu: the adapter's description. */
    adapter?: string;
  }[];
}

type Arrays = Record<string, Float32Array>;

/** A check runs on one device and returns its named results. */
type Check = (device: Device) => Promise<Arrays> | Arrays;

function upload(device: Device, values: Float32Array): DeviceArray {
  const array = DeviceArray.allocate(device, [values.length]);
  array.set(values);
  return array;
}

/** Runs `body` with fresh arrays for `inputs` on `device`, then frees them. */
async function withArrays<T>(device: Device, inputs: Float32Array[], outputs: number[],
  body: (arrays: DeviceArray[]) => Promise<T>): Promise<T> {
  const arrays = [...inputs.map((v) => upload(device, v)), ...outputs.map((n) => DeviceArray.allocate(device, [n]))];
  try {
    return await body(arrays);
  } finally {
    for (const array of arrays) array.dispose();
  }
}

const UPDATE_SIZE = 4099;

/** One variable and nothing else: what an optimizer steps in the update checks. */
class Parameters extends Module {
  constructor(data: DeviceArray) {
    super();
    this.vars.set("w", new Variable(data));
  }

  forward(data: DeviceArray): DeviceArray {
    return data;
  }

  backward(grad: DeviceArray): DeviceArray {
    return grad;
  }
}

/**
 * 100 steps of optimizer `name` (its defaults, learning rate 0.01) over gradients from
 * 1e-6 to 1e2, both signs, with zeros: the weights and every state array.
 */
const updateCheck = (name: OptimizerName): Check => async (device) => {
  const random = new Random(17);
  const grads = Array.from({ length: 100 }, () => Float32Array.from({ length: UPDATE_SIZE }, () => {
    const r = random.nextUint32();
    return (r & 15) === 0 ? 0 : (r & 16 ? -1 : 1) * 10 ** (-6 + 8 * random.uniform());
  }));
  const data = DeviceArray.allocate(device, [UPDATE_SIZE]);
  data.set(randn([UPDATE_SIZE], 18));
  const module = new Parameters(data);
  const rate = name === "AdaDelta" ? {} : name === "Adam" ? { alpha: 0.01 } : { learnRate: 0.01 };
  const optimizer = new OPTIMIZERS[name](rate);
  try {
    optimizer.setupOn(module, { useGlobalState: true });
    const variable = module.getVar("w");
    for (const grad of grads) {
      variable.grad.set(grad);
      optimizer.update();
    }
    const state: Arrays = {};
    for (const [key, array] of Object.entries(optimizer.getState("w"))) state[key] = await array.read();
    return { param: await variable.data.read(), ...state };
  } finally {
    optimizer.dispose();
    module.dispose();
  }
};

const M = 16, K = 33, N = 10;
const matmulCases: [string, MatmulShape, number, number][] = [
  ["xW + b", { m: M, k: K, n: N, aRow: K, aCol: 1, bRow: N, bCol: 1 }, M * K, K * N],
  ["xᵀ·dy", { m: K, k: M, n: N, aRow: 1, aCol: K, bRow: N, bCol: 1 }, M * K, M * N],
  ["dy·Wᵀ", { m: M, k: N, n: K, aRow: N, aCol: 1, bRow: 1, bCol: N }, M * N, K * N],
];

const passChecks: Record<string, Check> = {
  matmul: async (device) => {
    const result: Arrays = {};
    for (const [i, [name, shape, aSize, bSize]] of matmulCases.entries()) {
      result[name] = await withArrays(device, [randn([aSize], 30 + i), randn([bSize], 40 + i), randn([shape.n], 50)],
        [shape.m * shape.n], ([a, b, bias, out]) => {
          kernel(device, "matmul")(a, b, out, i === 0 ? bias : null, shape);
          return out.read();
        });
    }
    return result;
  },
  columnSums: (device) => withArrays(device, [randn([M * N], 60)], [N], async ([a, out]) => {
    kernel(device, "columnSums")(a, out, M, N);
    return { out: await out.read() };
  }),
  activations: async (device) => {
    // Tails included: sigmoid(-90) and its gradient are subnormal, which GPUs may flush.
    const x = Float32Array.from([-90, -100, 95, 30, -30, ...randn([995], 61).map((v) => v * 6)]);
    const dy = randn([1000], 62);
    const result: Arrays = {};
    for (const kind of ["relu", "tanh", "sigmoid"] as const) {
      await withArrays(device, [x, dy], [1000, 1000], async ([xa, dya, y, dx]) => {
        runElementwise(kind, { x: xa, y });
        runElementwise(`${kind}Backward`, { y, dy: dya, dx });
        result[`${kind} forward`] = await y.read();
        result[`${kind} backward`] = await dx.read();
      });
    }
    return result;
  },
  // Scores [16, 10, 3] with a label per position and class weights; rows of large and
  // tiny scores, whose softmax has subnormal and zero terms.
  "softmax cross-entropy": (device) => {
    const shape = { n: 16, classes: 10, positions: 3 };
    const scores = randn([480], 65).map((v, i) => v * (i < 60 ? 40 : 3));
    const random = new Random(66);
    const labels = Float32Array.from({ length: 48 }, () => random.nextUint32() % 10);
    const weights = Float32Array.from({ length: 10 }, (_, j) => 0.5 + j / 10);
    return withArrays(device, [scores, labels, weights], [480, 480, 48], async ([x, l, w, y, grad, losses]) => {
      kernel(device, "softmax")(x, y, shape);
      kernel(device, "crossEntropy")(x, l, w, grad, losses, shape);
      return { softmax: await y.read(), grad: await grad.read(), losses: await losses.read() };
    });
  },
  dropout: (device) => withArrays(device, [randn([4099], 67)], [4099], async ([x, y]) => {
    kernel(device, "dropout")(x, y, { first: 5, ...dropoutKeys(68, 3), threshold: keepThreshold(0.3), keep: Math.fround(0.7) });
    return { y: await y.read() };
  }),
  mse: (device) => withArrays(device, [randn([M * N], 63), randn([M * N], 64)], [M * N, 1], async ([p, t, grad, error]) => {
    runElementwise("mseGradient", { pred: p, target: t, grad }, { size: p.size });
    kernel(device, "mseError")(p, t, error);
    return { error: await error.read(), grad: await grad.read() };
  }),
};

/** The seed example (examples/seed.ts) on the current device, one training step at a time. */
export function seedSetup() {
  const data = gpuarray.toGpu(randn([16, 128], 1), [16, 128]);
  const target = gpuarray.toGpu(randn([16, 1], 2), [16, 1]);
  const net = new Sequential([new Linear(128, 1, { seed: 3 })]);
  const optimizer = new RMSPropGraves({ learnRate: 0.001 });
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new MSE();
  return {
    net,
    optimizer,
    /**
     * One step; returns the error before it (null with queryError false: on webgl2, and on
     * webgpu, where readError() gives it). `beforeUpdate` runs between the backward pass and
     * the update (a test's fault).
     */
    step(queryError = true, beforeUpdate?: (error: number | null) => void): number | null {
      const [error, grad] = loss.compute(net.forward(data), target, { queryError });
      optimizer.zeroGradParams();
      net.backward(grad, { updGrad: false });
      beforeUpdate?.(error);
      optimizer.update();
      return error;
    },
    /** The last step's error, read back asynchronously. */
    readError: () => loss.readError(),
    dispose(): void {
      for (const thing of [data, target, optimizer, net, loss]) thing.dispose();
    },
  };
}

/** The init() options that make `device`, this very instance, the current device. */
function currentAgain(device: Device): InitOptions {
  return {
    device: device.name, subnormals: device.subnormals,
    ...(device instanceof WebGL2Device ? { precision: device.precision } : {}),
  };
}

/** The seed example end to end on `device`: every printed error and the final weights. */
export const seedExample: Check = async (device) => {
  await init(currentAgain(device));
  const seed = seedSetup();
  const errors = new Float32Array(100);
  for (let i = 0; i < errors.length; i++) {
    seed.step(false);
    errors[i] = await seed.readError();
  }
  const result = { errors, W: await seed.net.getVar("0.W").data.read(), b: await seed.net.getVar("0.b").data.read() };
  seed.dispose();
  return result;
};

/**
 * 10 steps of `net` on `data` and `labels` (softmax cross-entropy, RMSPropGraves 0.01 on
 * global state): every error, the final weights and the module attributes (BatchNorm2D's
 * running statistics). Everything is disposed.
 */
async function trainTenSteps(net: Module, data: DeviceArray, labels: number[]): Promise<Arrays> {
  const optimizer = new RMSPropGraves({ learnRate: 0.01 });
  const loss = new CrossEntropy();
  try {
    optimizer.setupOn(net, { useGlobalState: true });
    const errors = new Float32Array(10);
    for (let i = 0; i < errors.length; i++) {
      const [, grad] = loss.compute(net.forward(data), labels, { queryError: false });
      optimizer.zeroGradParams();
      net.backward(grad, { updGrad: false });
      optimizer.update();
      errors[i] = await loss.readError();
    }
    const result: Arrays = { errors };
    for (const [v, [name]] of net.getVarTable()) result[name] = await v.data.read();
    for (const [name, array] of net.getAttrTable()) result[name] = await array.read();
    return result;
  } finally {
    for (const thing of [data, optimizer, net, loss]) thing.dispose();
  }
}

/**
 * A Graph with a fan-in trained 10 steps: two branches of one input (one through
 * Dropout) joined by Add, softmax cross-entropy; every error and the final weights.
 */
export const graphCheck: Check = async (device) => {
  await init(currentAgain(device));
  const input = new Linear(12, 16, { seed: 71 }).node();
  const relu = new Activation("relu").node(input);
  const branch = new Dropout({ p: 0.25, seed: 72 }).node(new Linear(16, 16, { seed: 73 }).node(relu));
  const net = new Graph({ inputs: input, outputs: new Linear(16, 5, { seed: 74 }).node(new Add().node(branch, relu)) });
  return trainTenSteps(net, gpuarray.toGpu(randn([8, 12], 75), [8, 12]), [0, 1, 2, 3, 4, 0, 1, 2]);
};

/**
 * A small convolutional classifier trained 10 steps: Conv2D (pad 1) → BatchNorm2D → relu →
 * MaxPool2D → Conv2D (stride 2, dilation 2) → AvgPool2D (stride 1) → Flatten → Linear,
 * softmax cross-entropy; every error, the final weights and BatchNorm2D's running statistics.
 */
export const convolutionCheck: Check = async (device) => {
  await init(currentAgain(device));
  const net = new Sequential([
    new Conv2D(2, 4, 3, { pad: 1, seed: 81 }), new BatchNorm2D(4, { seed: 82 }), new Activation("relu"), new MaxPool2D(2, 2),
    new Conv2D(4, 6, 3, { stride: 2, pad: 2, dilation: 2, seed: 83 }), new AvgPool2D(2, 1), new Flatten(),
    new Linear(6 * 2 * 2, 5, { seed: 84 }),
  ]);
  return trainTenSteps(net, gpuarray.toGpu(randn([4 * 2 * 11 * 11], 85), [4, 2, 11, 11]), [0, 3, 1, 4]);
};

const CHECKS: Record<string, Check> = {
  ...Object.fromEntries(Object.keys(OPTIMIZERS).map((name) => [`${name}, 100 steps`, updateCheck(name as OptimizerName)])),
  ...passChecks,
  "seed example": seedExample,
  "graph with a fan-in": graphCheck,
  "convolution net": convolutionCheck,
};

function compare(check: string, device: DeviceName, got: Arrays, reference: Arrays): ReproducibilityRow[] {
  return Object.entries(reference).map(([array, expected]) => {
    const actual = got[array];
    let maxUlp = 0, differing = 0, flushedSubnormals = 0;
    for (let i = 0; i < expected.length; i++) {
      const distance = ulpDistance(actual[i], expected[i]);
      if (distance === 0 && float32Bits(actual[i]) === float32Bits(expected[i])) continue;
      differing++;
      if (actual[i] === 0 && Math.abs(expected[i]) < 2 ** -126) flushedSubnormals++;
      else maxUlp = Math.max(maxUlp, distance);
    }
    return { check, array, device, maxUlp, differing, flushedSubnormals, elements: expected.length };
  });
}

/**
 * Runs identical inputs through every device that works here in the mode (webgl2 and
 * webgpu included even where init() would not choose them) and reports, per check and array, how far each
 * device is from the js reference in ULPs. This is the table to run on your own
 * hardware before trusting cross-device results. The current device is kept.
 * `subnormals` is the mode every device runs in (see init()): by default the current
 * device's, so that a program that called init({ subnormals: "flush" }) sees the flush
 * mode's table ("keep" before any init()).
 */
export async function reproducibilityReport({ subnormals }: { subnormals?: SubnormalMode } = {}):
  Promise<ReproducibilityReport> {
  let previous: Device | null = null;
  try {
    previous = currentDevice();
  } catch {
    // no device yet: leave it so
  }
  subnormals ??= previous?.subnormals ?? "keep";
  // Every device that opens in this mode (webgpu on an adapter that flushes subnormals opens in "flush" only).
  const devices: Device[] = [];
  for (const name of DEVICE_PREFERENCE) {
    const device = await getDevice(name, { subnormals }).catch(() => null);
    if (device) devices.push(device);
  }
  const rows: ReproducibilityRow[] = [];
  try {
    const js = await getDevice("js", { subnormals });
    for (const [check, run] of Object.entries(CHECKS)) {
      const reference = await run(js);
      for (const device of devices) {
        if (device.name !== "js") rows.push(...compare(check, device.name, await run(device), reference));
      }
    }
  } finally {
    if (previous) await init(currentAgain(previous));
  }
  return {
    rows,
    subnormals,
    devices: devices.map((d) => (d instanceof WebGL2Device ? { name: d.name, renderer: d.renderer }
      : d instanceof WebGPUDevice ? { name: d.name, adapter: d.adapterDescription } : { name: d.name })),
  };
}

/** The report as a plain-text table, one line per check and array, one column per device. */
export function formatReport({ rows, devices, subnormals }: ReproducibilityReport): string {
  const compared = devices.map((d) => d.name).filter((name) => name !== "js");
  const keys = [...new Set(rows.map((r) => `${r.check} | ${r.array}`))];
  const cell = (key: string, device: DeviceName) => {
    const row = rows.find((r) => `${r.check} | ${r.array}` === key && r.device === device);
    if (!row) return "-";
    const ulp = `${row.maxUlp === Infinity ? "NaN" : row.maxUlp} ULP`;
    const other = row.differing - row.flushedSubnormals;
    const parts = [other ? `${ulp} (${other}/${row.elements} differ)` : ulp];
    if (row.flushedSubnormals) parts.push(`${row.flushedSubnormals}/${row.elements} subnormals flushed to 0`);
    return parts.join(", ");
  };
  const header = ["check | array", ...compared];
  const lines = keys.map((key) => [key, ...compared.map((d) => cell(key, d))]);
  const widths = header.map((_, i) => Math.max(...[header, ...lines].map((l) => l[i].length)));
  const format = (l: string[]) => l.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const renderer = devices.find((d) => d.renderer)?.renderer;
  const adapter = devices.find((d) => d.adapter)?.adapter;
  const gpus = [renderer && `webgl2: ${renderer}`, adapter && `webgpu: ${adapter}`].filter((s) => s);
  return [`largest distance from the js reference, subnormals "${subnormals}"${gpus.length ? ` (${gpus.join("; ")})` : ""}`,
    format(header), ...lines.map(format)].join("\n");
}
