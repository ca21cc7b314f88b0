// PuzzleLib's own optimizer test (Optimizer.trainSimpleTest): Linear 128→64 (no bias),
// relu, Linear 64→32 (no bias), relu, Linear 32→16, fitted to a 16×16 target for 200
// steps with MSE, once with every optimizer of the family at the rates PuzzleLib's tests
// give it. Prints each one's first and last error and a fingerprint of its final weights.
//   npm run example:puzzlelib      (or: npx tsx examples/puzzlelib-simple.ts --device js)
import {
  init, currentDevice, gpuarray, randn, Sequential, Linear, Activation, relu, MSE, SGD, MomentumSGD, NesterovSGD,
  RMSProp, Adam, AdaGrad, AdaDelta, SMORMS3, RMSPropGraves, type Optimizer,
} from "portable-optim";
import { deviceFromArgs, fingerprint } from "./cli.ts";

await init(deviceFromArgs());

const OPTIMIZERS: [string, () => Optimizer][] = [
  ["SGD", () => new SGD({ learnRate: 1e-1 })],
  ["MomentumSGD", () => new MomentumSGD({ learnRate: 1e-1, momRate: 0.9 })],
  ["NesterovSGD", () => new NesterovSGD({ learnRate: 1e-1, momRate: 0.9 })],
  ["RMSProp", () => new RMSProp({ learnRate: 1e-2 })],
  ["Adam", () => new Adam({ alpha: 1e-2 })],
  ["AdaGrad", () => new AdaGrad({ learnRate: 1e-2 })],
  ["AdaDelta", () => new AdaDelta()],
  ["SMORMS3", () => new SMORMS3({ learnRate: 1e-2 })],
  ["RMSPropGraves", () => new RMSPropGraves({ learnRate: 1e-2 })],
];

const data = gpuarray.toGpu(randn([16, 128], 11), [16, 128]);
const target = gpuarray.toGpu(randn([16, 16], 12), [16, 16]);
for (const [name, make] of OPTIMIZERS) {
  const net = new Sequential([
    new Linear(128, 64, { useBias: false, seed: 13 }),
    new Activation(relu),
    new Linear(64, 32, { useBias: false, seed: 14 }),
    new Activation(relu),
    new Linear(32, 16, { seed: 15 }),
  ]);
  const optimizer = make();
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new MSE();
  const errors: number[] = [];
  for (let i = 0; i < 200; i++) {
    const [error, grad] = loss.compute(net.forward(data), target);
    optimizer.zeroGradParams();
    net.backward(grad, { updGrad: false });
    optimizer.update();
    errors.push(error);
  }
  console.log(`${name.padEnd(13)} error ${errors[0].toPrecision(6)} -> ${errors[199].toPrecision(6)}, ` +
    `weights fingerprint: ${fingerprint(net.getVar("4.W").data.get())}`);
  for (const thing of [optimizer, net, loss]) thing.dispose();
}
console.log(`device: ${currentDevice().name}`);
