// One node of examples/nodeinfo.ts: the seed example's network on this node's shard of
// the batch, with RMSPropGraves data-parallel over the nodes (PuzzleLib's nodeinfo).
// JavaScript: a worker loads it without the TypeScript loader of the main thread.
import {
  joinNodes, currentDevice, gpuarray, randn, Sequential, Linear, RMSPropGraves, MSE,
} from "portable-optim";

const nodeinfo = await joinNodes();
const { rank, size } = nodeinfo;
const rows = 16 / size; // this node's rows of the seed example's 16
const data = gpuarray.toGpu(randn([16, 128], 1).slice(rank * rows * 128, (rank + 1) * rows * 128), [rows, 128]);
const target = gpuarray.toGpu(randn([16, 1], 2).slice(rank * rows, (rank + 1) * rows), [rows, 1]);
const net = new Sequential([new Linear(128, 1, { seed: 3 })]);
const optimizer = new RMSPropGraves({ learnRate: 0.001, nodeinfo });
optimizer.setupOn(net, { useGlobalState: true });
const loss = new MSE();

const lines = [];
for (let i = 0; i < 100; i++) {
  const [error, grad] = loss.compute(net.forward(data), target);
  optimizer.zeroGradParams();
  net.backward(grad, { updGrad: false });
  optimizer.update(); // sums the nodes' gradients in rank order, then steps
  if ((i + 1) % 5 === 0) lines.push(`Iteration #${i + 1} error: ${error}`);
}
nodeinfo.finish({ lines, device: currentDevice().name, weights: net.getVar("0.W").data.get(), t: optimizer.t });
