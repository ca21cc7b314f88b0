// PuzzleLib's own optimizer test net: Linear 128→64 (no bias), relu, Linear 64→32
// (no bias), relu, Linear 32→16, fitted to a 16×16 target with RMSPropGraves.
//   npm run example:puzzlelib      (or: npx tsx examples/puzzlelib-simple.ts --device js)
import { init, currentDevice, gpuarray, randn, Sequential, Linear, Activation, relu, RMSPropGraves, MSE } from "portable-optim";
import { deviceFromArgs, fingerprint } from "./cli.ts";

await init(deviceFromArgs());

const data = gpuarray.toGpu(randn([16, 128], 11), [16, 128]);
const target = gpuarray.toGpu(randn([16, 16], 12), [16, 16]);
const net = new Sequential([
  new Linear(128, 64, { useBias: false, seed: 13 }),
  new Activation(relu),
  new Linear(64, 32, { useBias: false, seed: 14 }),
  new Activation(relu),
  new Linear(32, 16, { seed: 15 }),
]);
const optimizer = new RMSPropGraves({ learnRate: 0.01 });
optimizer.setupOn(net, { useGlobalState: true });
const loss = new MSE();

for (let i = 0; i < 200; i++) {
  const [error, grad] = loss.compute(net.forward(data), target);
  optimizer.zeroGradParams();
  net.backward(grad, { updGrad: false });
  optimizer.update();
  if ((i + 1) % 20 === 0) console.log(`Iteration #${i + 1} error: ${error}`);
}
console.log(`device: ${currentDevice().name}`);
console.log(`weights fingerprint: ${fingerprint(net.getVar("4.W").data.get())}`);
