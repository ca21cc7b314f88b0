// The seed example: a one-layer net fitted with RMSPropGraves on the best device.
//   npm start                      (or: npx tsx examples/seed.ts --device wasm)
// It prints the same numbers on every run and, bit for bit, on every device.
import { init, currentDevice, gpuarray, randn, Sequential, Linear, RMSPropGraves, MSE } from "portable-optim";
import { deviceFromArgs, fingerprint } from "./cli.ts";

await init(deviceFromArgs());

const data = gpuarray.toGpu(randn([16, 128], 1), [16, 128]);
const target = gpuarray.toGpu(randn([16, 1], 2), [16, 1]);
const net = new Sequential([new Linear(128, 1, { seed: 3 })]);
const optimizer = new RMSPropGraves({ learnRate: 0.001 });
optimizer.setupOn(net, { useGlobalState: true });
const loss = new MSE();

const start = performance.now();
for (let i = 0; i < 100; i++) {
  const predictions = net.forward(data);
  const [error, grad] = loss.compute(predictions, target);
  optimizer.zeroGradParams();
  net.backward(grad, { updGrad: false });
  optimizer.update();
  if ((i + 1) % 5 === 0) console.log(`Iteration #${i + 1} error: ${error}`);
}
const seconds = (performance.now() - start) / 1000;

console.log(`device: ${currentDevice().name}`);
console.log(`weights fingerprint: ${fingerprint(net.getVar("0.W").data.get())}`);
console.log(`steps per second: ${Math.round(100 / seconds)}`);
