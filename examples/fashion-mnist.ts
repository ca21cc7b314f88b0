// Fashion-MNIST, the real data set: an MLP (784-256-10, relu, Dropout, softmax
// cross-entropy) trained with RMSPropGraves on the 60,000 training images, tested on the
// 10,000 test images after every epoch. The files are Debian's dataset-fashion-mnist
// (the original gzip IDX files); nothing is downloaded.
//   npm run example:fashion-mnist            (or: npx tsx examples/fashion-mnist.ts --device wasm)
//   Deno: deno run --allow-read examples/fashion-mnist.ts (with an import map for "portable-optim")
//   options: --device NAME, --threads N, --epochs N (5), --limit N (train on the first N images), --batch N (64)
// The weights fingerprint it prints is the same on every device and thread count.
import {
  init, currentDevice, gpuarray, Sequential, Linear, Activation, relu, Dropout, CrossEntropy, RMSPropGraves,
  loadFashionMnist, Random, FASHION_MNIST_DIR,
} from "portable-optim";
import { argument, deviceFromArgs, fingerprint } from "./cli.ts";

const epochs = Number(argument("epochs") ?? 5);
const batch = Number(argument("batch") ?? 64);
await init(deviceFromArgs());
const { train, test } = await loadFashionMnist(argument("data") ?? FASHION_MNIST_DIR);
const count = Math.min(train.count, Number(argument("limit") ?? train.count));
const PIXELS = 784;
// Standardized pixels: the training set's mean and standard deviation (0.2860, 0.3530).
for (const images of [train.images, test.images]) {
  for (let i = 0; i < images.length; i++) images[i] = (images[i] - 0.286) / 0.353;
}

const net = new Sequential([
  new Linear(PIXELS, 256, { seed: 1 }),
  new Activation(relu),
  new Dropout({ p: 0.2, seed: 2 }),
  new Linear(256, 10, { seed: 3 }),
]);
const optimizer = new RMSPropGraves({ learnRate: 1e-4 });
optimizer.setupOn(net, { useGlobalState: true });
const loss = new CrossEntropy();

const data = gpuarray.zeros([batch, PIXELS]);
const rows = new Float32Array(batch * PIXELS);
const labels = new Int32Array(batch);
const order = Int32Array.from({ length: count }, (_, i) => i);
const random = new Random(4);

/** Test accuracy, in evaluation mode (no dropout), in batches of 1000. */
function accuracy(): number {
  net.evalMode();
  const chunk = 1000;
  const images = gpuarray.zeros([chunk, PIXELS]);
  let wrong = 0;
  for (let start = 0; start < test.count; start += chunk) {
    images.set(test.images.subarray(start * PIXELS, (start + chunk) * PIXELS));
    wrong += Math.round(chunk * loss.validate(net.forward(images), test.labels.subarray(start, start + chunk)));
  }
  images.dispose();
  net.trainMode();
  return 1 - wrong / test.count;
}

console.log(`device: ${currentDevice().name} (${currentDevice().threads} thread${currentDevice().threads > 1 ? "s" : ""}), ` +
  `${count} training images, batch ${batch}, ${epochs} epochs`);
let last = 0;
for (let epoch = 1; epoch <= epochs; epoch++) {
  // A fresh permutation per epoch (Fisher-Yates from a seeded generator); the last partial batch is left out.
  for (let i = count - 1; i > 0; i--) {
    const j = random.nextUint32() % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const start = performance.now();
  let sum = 0;
  const steps = Math.floor(count / batch);
  for (let step = 0; step < steps; step++) {
    for (let r = 0; r < batch; r++) {
      const image = order[step * batch + r];
      rows.set(train.images.subarray(image * PIXELS, (image + 1) * PIXELS), r * PIXELS);
      labels[r] = train.labels[image];
    }
    data.set(rows);
    const [error, grad] = loss.compute(net.forward(data), labels);
    optimizer.zeroGradParams();
    net.backward(grad, { updGrad: false });
    optimizer.update();
    sum += error;
  }
  const seconds = (performance.now() - start) / 1000;
  last = accuracy();
  console.log(`epoch ${epoch}: ${Math.round((steps * batch) / seconds)} samples/s, error ${(sum / steps).toFixed(4)}, ` +
    `test accuracy ${(100 * last).toFixed(2)}%`);
}
console.log(`test accuracy: ${(100 * last).toFixed(2)}%`);
console.log(`weights fingerprint: ${fingerprint(...[...net.getVarTable().keys()].map((v) => v.data.get()))}`);
