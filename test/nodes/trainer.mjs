// A node of test/nodeinfo.test.ts: trains a small net on its shard of a batch with
// RMSPropGraves({ nodeinfo }) and finishes with its errors, weights and t. nodeinfo.args:
// { shards (rows per rank), steps, fault?: { rank, at, kind }, report?: SharedArrayBuffer, localState?, trace? }.
// With `trace`, it records its optimizer's trace and finishes with it too.
// With `report`, a node records what ended its run (its error's name and rank, t, weights) there
// before rethrowing, so that the test can check the replicas after a fault.
import { joinNodes, currentDevice, gpuarray, randn, Sequential, Linear, Activation, tanh, RMSPropGraves, MSE } from "portable-optim";

const nodeinfo = await joinNodes();
const { rank } = nodeinfo;
const { shards, steps, fault, report, localState, trace: traced } = nodeinfo.args;
const first = shards.slice(0, rank).reduce((a, b) => a + b, 0);
const rows = shards[rank];
const total = shards.reduce((a, b) => a + b, 0);
const x = randn([total, 24], 31).slice(first * 24, (first + rows) * 24);
const y = randn([total, 5], 32).slice(first * 5, (first + rows) * 5);
const data = gpuarray.toGpu(x, [rows, 24]);
const target = gpuarray.toGpu(y, [rows, 5]);
const net = new Sequential([new Linear(24, 16, { seed: 21 + rank }), new Activation(tanh), new Linear(16, 5, { seed: 23 + rank })]);
const optimizer = new RMSPropGraves({ learnRate: 0.01, nodeinfo });
const loss = new MSE();
const weights = () => [...net.getVarTable().keys()].map((v) => v.data.get());
const errors = [];
let trace = null;
try {
  optimizer.setupOn(net, { useGlobalState: !localState });
  if (traced) trace = optimizer.trace();
  for (let i = 0; i < steps; i++) {
    if (fault?.rank === rank && fault.at === i) {
      if (fault.kind === "die") process.exit(3);
      if (fault.kind === "nan") data.view(5, [1]).set([NaN]);
    }
    const badInput = fault?.rank === rank && fault.at === i && fault.kind === "badInput";
    const [error, grad] = loss.compute(net.forward(data), badInput ? gpuarray.zeros([rows, 4]) : target);
    optimizer.zeroGradParams();
    net.backward(grad);
    optimizer.update();
    errors.push(error);
  }
} catch (error) {
  if (report) {
    const record = JSON.stringify({ name: error.name, rank: error.rank, t: optimizer.t, weights: weights().map((w) => Array.from(w)) });
    const bytes = new TextEncoder().encode(record);
    const slot = new Uint8Array(report, rank * (1 << 16), 1 << 16);
    new DataView(report).setUint32(rank * (1 << 16), bytes.length);
    slot.set(bytes, 4);
  }
  throw error;
}
nodeinfo.finish({ device: currentDevice().name, errors, weights: weights(), t: optimizer.t, trace: trace?.toJSON() ?? null });
