// PuzzleLib's Graph: a chain equals Sequential (outputs, gradients, names); a net with a
// skip connection, a fan-out and two inputs trains to the js reference's bits on every
// device; fan-in gradients are summed in the documented order; bad graphs are refused.
import { describe, it, expect } from "vitest";
import {
  Activation, Add, CrossEntropy, Dropout, Graph, init, Linear, RMSPropGraves, Sequential, gpuarray, randn, relu, tanh,
  InvalidArgumentError, type DeviceName,
} from "../src/index.js";
import { computeCost, devicesUnderTest, expectSameBits } from "./helpers.js";

/** Two inputs; the first goes through a residual block whose output fans out to two heads that are added. */
function residualNet(): Graph {
  const a = new Linear(12, 16, { seed: 51 }).node();
  const b = new Linear(6, 16, { seed: 52 }).node();
  const joined = new Add().node(a, b);
  const h = new Activation(relu).node(joined);
  const inner = new Linear(16, 16, { seed: 53 }).node(h);
  const dropped = new Dropout({ p: 0.25, seed: 54 }).node(inner);
  const skip = new Add().node(dropped, h);
  const t = new Activation(tanh).node(skip);
  const head1 = new Linear(16, 4, { seed: 55 }).node(t);
  const head2 = new Linear(16, 4, { seed: 56 }).node(t);
  const out = new Add().node(head1, head2);
  return new Graph({ inputs: [a, b], outputs: out });
}

async function trainResidual(device: DeviceName, steps = 10) {
  await init({ device });
  const net = residualNet();
  const optimizer = new RMSPropGraves({ learnRate: 0.01 });
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new CrossEntropy();
  const x1 = gpuarray.toGpu(randn([8, 12], 57), [8, 12]);
  const x2 = gpuarray.toGpu(randn([8, 6], 58), [8, 6]);
  const labels = [0, 1, 2, 3, 3, 2, 1, 0];
  const errors: number[] = [];
  for (let i = 0; i < steps; i++) {
    const { grad, error } = computeCost(loss, net.forward([x1, x2]), labels);
    optimizer.zeroGradParams();
    net.backward(grad);
    optimizer.update();
    errors.push(await error());
  }
  const weights: (readonly [string, Float32Array])[] = [];
  for (const [v, [name]] of net.getVarTable()) weights.push([name, await v.data.read()]);
  const inputGrads = await Promise.all(net.inputGrads.map((g) => g!.read()));
  net.dispose();
  optimizer.dispose();
  loss.dispose();
  return { errors, weights, inputGrads };
}

describe.each(devicesUnderTest())("a Graph with a skip connection, a fan-out and two inputs on %s", (deviceName) => {
  it("trains to the js reference's bits, input gradients included", async () => {
    const expected = await trainResidual("js");
    const actual = await trainResidual(deviceName);
    expect(actual.errors).toEqual(expected.errors);
    expect(expected.errors[9]).toBeLessThan(expected.errors[0]);
    expect(actual.weights.map(([n]) => n)).toEqual(["0.W", "0.b", "1.W", "1.b", "4.W", "4.b", "8.W", "8.b", "9.W", "9.b"]);
    for (const [i, [name, values]] of actual.weights.entries()) expectSameBits(values, expected.weights[i][1], name);
    actual.inputGrads.forEach((g, i) => expectSameBits(g, expected.inputGrads[i], `input ${i} gradient`));
  });
});

describe("Graph", () => {
  it("as a chain, gives Sequential's outputs, gradients and variable names", async () => {
    await init({ device: "js" });
    const seq = new Sequential([new Linear(5, 4, { seed: 1 }), new Activation(tanh), new Linear(4, 3, { seed: 2 })]);
    const l1 = new Linear(5, 4, { seed: 1 }).node();
    const graph = new Graph({ inputs: l1, outputs: new Linear(4, 3, { seed: 2 }).node(new Activation(tanh).node(l1)) });
    const x = gpuarray.toGpu(randn([2, 5], 3), [2, 5]);
    const dy = gpuarray.toGpu(randn([2, 3], 4), [2, 3]);
    expectSameBits(graph.forward(x).get(), seq.forward(x).get(), "forward");
    expectSameBits(graph.backward(dy)!.get(), seq.backward(dy)!.get(), "input gradient");
    expect([...graph.getVarTable().values()].flat()).toEqual([...seq.getVarTable().values()].flat());
    expectSameBits(graph.getVar("2.W").grad.get(), seq.getVar("2.W").grad.get(), "2.W gradient");
    graph.load(seq.save());
  });

  it("sums a fan-out's gradients in the order its children were made", async () => {
    await init({ device: "js" });
    const input = new Activation(tanh).node();
    const children = [new Linear(3, 2, { seed: 7 }), new Linear(3, 2, { seed: 8 }), new Linear(3, 2, { seed: 9 })];
    const nodes = children.map((m) => m.node(input));
    const graph = new Graph({ inputs: input, outputs: new Add().node(...nodes) });
    const x = gpuarray.toGpu(randn([4, 3], 10), [4, 3]);
    const dy = gpuarray.toGpu(randn([4, 2], 11), [4, 2]);
    graph.forward(x);
    const dx = graph.backward(dy)!.get();
    // By hand: each child's dx, summed left to right, then tanh's backward.
    const y = new Activation(tanh);
    const t = y.forward(x);
    const parts = children.map((m) => {
      m.forward(t);
      return m.backward(dy)!.get();
    });
    const summed = parts[0].map((v, i) => Math.fround(Math.fround(v + parts[1][i]) + parts[2][i]));
    expectSameBits(dx, y.backward(gpuarray.toGpu(summed, [4, 3]))!.get(), "fan-out gradient");
  });

  it("refuses dangling inputs, inputs with parents, nodes of two graphs, shared modules, unmerged fan-ins and cycles", async () => {
    await init({ device: "js" });
    const fail = (make: () => unknown, message: RegExp) => {
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(message);
    };
    const a = new Linear(2, 2).node();
    const dangling = new Linear(2, 2).node();
    fail(() => new Graph({ inputs: a, outputs: new Add().node(a, dangling) }), /dangling input/);
    const child = new Activation(relu).node(a);
    fail(() => new Graph({ inputs: child, outputs: child }), /input the node of Activation has parents/);
    fail(() => new Graph({ inputs: [a, new Linear(2, 2).node()], outputs: child }), /does not lead to the output/);
    const p = new Linear(2, 2).node();
    const q = new Linear(2, 2).node();
    fail(() => new Graph({ inputs: [p, q], outputs: new Activation(relu).node(p, q) }), /has 2 parents but its module takes one input/);
    const shared = new Linear(2, 2);
    const s1 = shared.node();
    fail(() => new Graph({ inputs: s1, outputs: shared.node(s1) }), /module of the node of Linear is in two nodes/);
    const g1 = new Graph({ inputs: a, outputs: child });
    expect(g1.nodes).toHaveLength(2);
    fail(() => new Graph({ inputs: a, outputs: new Activation(tanh).node(child) }), /already belongs to another Graph/);
    const c1 = new Linear(2, 2).node();
    const c2 = new Activation(tanh).node(c1);
    const c3 = new Activation(relu).node(c2);
    (c2.parents as unknown as unknown[]).push(c3); // what node() cannot make: a loop
    c3.children.push(c2);
    fail(() => new Graph({ inputs: c1, outputs: new Activation(tanh).node(c3) }), /cycle/);
    fail(() => new Graph({ inputs: [], outputs: child }), /no inputs/);
    fail(() => new Linear(2, 2).node({} as never), /parent 0 is/);
    const x = new Linear(2, 2).node();
    const fine = new Graph({ inputs: x, outputs: new Activation(relu).node(x) });
    expect(() => fine.forward([])).toThrow(/got 0 arrays for 1 inputs/);
    expect(() => fine.backward(gpuarray.zeros([1, 2]))).toThrow(/before forward/);
  });
});
