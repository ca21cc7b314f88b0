// nodeinfo: data-parallel training over workers (test/nodes/trainer.mjs, on the built
// package) against single-process references, the same bits every time and for any mix
// of devices, replicas that stay identical, faults that fail every node alike, bad input.
import { describe, it, expect } from "vitest";
import {
  init, gpuarray, randn, Sequential, Linear, Activation, tanh, RMSPropGraves, MSE, startNodes, joinNodes,
  InvalidArgumentError, NodeError, NotReadyError, compareTraces, type DeviceName, type TraceFile,
} from "../src/index.js";
import { rounding } from "../src/devices/js/rounding.js";
import { expectSameBits } from "./helpers.js";

const TRAINER = new URL("./nodes/trainer.mjs", import.meta.url);

interface NodeResult {
  device: DeviceName;
  errors: number[];
  weights: Float32Array[];
  t: number;
  trace: TraceFile | null;
}

async function runNodes(shards: number[], { steps = 20, devices, fault, report, trace }: { steps?: number;
  devices?: DeviceName[]; fault?: { rank: number; at: number; kind: string }; report?: SharedArrayBuffer; trace?: boolean } = {}) {
  const group = await startNodes(TRAINER, { nodes: shards.length, devices, args: { shards, steps, fault, report, trace } });
  return (await group.done) as NodeResult[];
}

/**
 * The same training in this process: every shard's gradient from the same weights,
 * summed in rank order with float32 rounding, then one step. Returns each shard's
 * errors and the weights.
 */
async function reference(device: DeviceName, shards: number[], steps: number) {
  await init({ device });
  const total = shards.reduce((a, b) => a + b, 0);
  const x = randn([total, 24], 31);
  const y = randn([total, 5], 32);
  let first = 0;
  const batches = shards.map((rows) => {
    const batch = [gpuarray.toGpu(x.slice(first * 24, (first + rows) * 24), [rows, 24]),
      gpuarray.toGpu(y.slice(first * 5, (first + rows) * 5), [rows, 5])];
    first += rows;
    return batch;
  });
  const net = new Sequential([new Linear(24, 16, { seed: 21 }), new Activation(tanh), new Linear(16, 5, { seed: 23 })]);
  const optimizer = new RMSPropGraves({ learnRate: 0.01 });
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new MSE();
  const variables = [...net.getVarTable().keys()];
  const round = rounding("keep");
  const errors: number[][] = shards.map(() => []);
  for (let step = 0; step < steps; step++) {
    let sums: Float32Array[] = [];
    batches.forEach(([data, target], rank) => {
      const [error, grad] = loss.compute(net.forward(data), target);
      optimizer.zeroGradParams();
      net.backward(grad);
      errors[rank].push(error!);
      const grads = variables.map((v) => v.grad.get());
      sums = rank === 0 ? grads : sums.map((sum, i) => sum.map((s, j) => round(s + grads[i][j])));
    });
    variables.forEach((v, i) => v.grad.set(sums[i]));
    optimizer.update();
  }
  const weights = variables.map((v) => v.data.get());
  batches.flat().forEach((a) => a.dispose());
  [net, optimizer, loss].forEach((m) => m.dispose());
  return { errors, weights };
}

/** What each node recorded in `report` when its run ended with an error. */
function reports(report: SharedArrayBuffer, nodes: number) {
  return Array.from({ length: nodes }, (_, rank) => {
    const length = new DataView(report).getUint32(rank * (1 << 16));
    if (length === 0) return null; // a node that died records nothing
    const bytes = new Uint8Array(report, rank * (1 << 16) + 4, length).slice();
    return JSON.parse(new TextDecoder().decode(bytes)) as { name: string; rank?: number; t: number; weights: number[][] };
  });
}

const expectSameWeights = (got: Float32Array[], want: Float32Array[], what: string) =>
  got.forEach((w, i) => expectSameBits(w, want[i], `${what}, variable ${i}`));

describe.each(["wasm-simd", "wasm", "js"] as const)("nodeinfo on %s", (device) => {
  it("1 node trains as plain single-process training, bit for bit", async () => {
    const [node] = await runNodes([7], { devices: [device] });
    const plain = await reference(device, [7], 20);
    expect(node.device).toBe(device);
    expect(node.errors).toEqual(plain.errors[0]);
    expectSameWeights(node.weights, plain.weights, "1 node");
    expect(node.t).toBe(20);
  });

  it("2 and 3 nodes equal a reference that sums the shards' gradients in rank order", async () => {
    for (const shards of [[4, 3], [3, 5, 2]]) {
      const nodes = await runNodes(shards, { devices: shards.map(() => device) });
      const want = await reference(device, shards, 20);
      nodes.forEach((node, rank) => {
        expect(node.errors, `${shards}: node ${rank}'s errors`).toEqual(want.errors[rank]);
        expectSameWeights(node.weights, want.weights, `${shards}: node ${rank}`);
      });
    }
  });
});

describe("nodeinfo", () => {
  it("gives the same bits on every run and for any mix of devices", async () => {
    const shards = [3, 4, 2];
    const first = await runNodes(shards, { devices: ["wasm-simd", "wasm-simd", "wasm-simd"] });
    const again = await runNodes(shards, { devices: ["wasm-simd", "wasm-simd", "wasm-simd"] });
    const mixed = await runNodes(shards, { devices: ["js", "wasm-simd", "wasm"], trace: true });
    expect(mixed.map((n) => n.device)).toEqual(["js", "wasm-simd", "wasm"]);
    // Every replica's trace, each on its own device, is node 0's: the summed gradients and the weights step alike.
    for (const node of mixed.slice(1)) {
      expect((await compareTraces(mixed[0].trace!, node.trace!)).message).toBe("identical over 20 steps");
    }
    for (const [what, run] of [["again", again], ["mixed devices", mixed]] as const) {
      run.forEach((node, rank) => {
        expect(node.errors, `${what}: node ${rank}`).toEqual(first[rank].errors);
        expectSameWeights(node.weights, first[rank].weights, `${what}: node ${rank}`);
      });
    }
  });

  it("keeps every replica identical over 100 steps", async () => {
    const nodes = await runNodes([5, 5, 6], { steps: 100 });
    for (const node of nodes.slice(1)) expectSameWeights(node.weights, nodes[0].weights, "replica");
    expect(nodes.map((n) => n.t)).toEqual([100, 100, 100]);
  });

  it.each([
    ["bad input on one node's shard", "badInput", /node 1 failed: ShapeMismatchError/, "NodeError"],
    ["a NaN in one node's data", "nan", /NonFiniteGradientError/, "NonFiniteGradientError"],
    ["a node that dies", "die", /node 1 exited with code 3 before finish\(\)/, "NodeError"],
  ])("%s fails every node alike: no replica is half-updated", async (_, kind, doneError, othersGet) => {
    const report = new SharedArrayBuffer(3 << 16);
    const started = performance.now();
    const error = await runNodes([3, 3, 3], { fault: { rank: 1, at: 4, kind }, report }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect(String(error)).toMatch(doneError);
    if (kind !== "nan") expect((error as NodeError).rank).toBe(1); // with a NaN, every node fails: the first to say so
    await new Promise((resolve) => setTimeout(resolve, 500)); // the others record their end
    expect(performance.now() - started).toBeLessThan(20_000);
    const records = reports(report, 3);
    for (const rank of kind === "die" ? [0, 2] : [0, 1, 2]) {
      const record = records[rank]!;
      if (rank !== 1 || kind === "nan") {
        expect(record.name, `node ${rank}`).toBe(othersGet);
        if (othersGet === "NodeError") expect(record.rank, `node ${rank}`).toBe(1);
      }
      expect(record.t, `node ${rank}'s t`).toBe(4);
      expect(record.weights, `node ${rank}'s weights`).toEqual(records[0]!.weights);
    }
  });

  it("refuses bad options, a main thread and a non-NodeInfo nodeinfo", async () => {
    for (const [options, message] of [
      [{ nodes: 0 }, /nodes is 0; expected an integer from 1 to 64/],
      [{ nodes: 2.5 }, /nodes is 2\.5/],
      [{ nodes: 2, devices: ["wasm-simd"] }, /devices is \["wasm-simd"\]; expected one device name per node \(2\)/],
      [{ nodes: 1, devices: ["cuda"] }, /device "cuda"; expected one of "webgl2", "wasm-simd", "wasm", "js"$/],
      [{ nodes: 2, devices: ["wasm", "webgpu"] }, /device "webgpu"; expected one of "webgl2", "wasm-simd", "wasm", "js" \(a node's collectives read arrays back synchronously, which webgpu cannot\)/],
      [{ nodes: 1, timeoutMs: -1 }, /timeoutMs is -1; expected a number > 0/],
    ] as const) {
      const error = await startNodes(TRAINER, options as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(message);
    }
    await expect(joinNodes()).rejects.toThrow(NotReadyError);
    expect(() => new RMSPropGraves({ nodeinfo: {} as never })).toThrow(/nodeinfo is \[object Object\]; expected the NodeInfo/);
    const local = await startNodes(TRAINER, { nodes: 2, args: { shards: [2, 2], steps: 1, localState: true } });
    await expect(local.done).rejects.toThrow(/node \d failed: InvalidArgumentError: setupOn\(\) with a nodeinfo needs/);
  });
});
