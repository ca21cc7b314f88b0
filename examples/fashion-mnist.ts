// Fashion-MNIST, the real data set: an MLP (784-256-10, relu, Dropout) or a CNN (two 5×5
// convolutions with BatchNorm2D, relu and max-pooling, then a dense layer), softmax
// cross-entropy, trained with RMSPropGraves on the 60,000 training images, tested on the
// 10,000 test images after every epoch. The files are Debian's dataset-fashion-mnist
// (the original gzip IDX files); nothing is downloaded. The model and the loop are in
// fashion-mnist-model.ts.
//   npm run example:fashion-mnist            (or: npx tsx examples/fashion-mnist.ts --device wasm)
//   Deno: deno run --allow-read examples/fashion-mnist.ts (with an import map for "portable-optim")
//   npm run example:fashion-mnist -- --model cnn --epochs 3
//   options: --model mlp|cnn (mlp), --device NAME, --threads N, --epochs N (5), --limit N (train on the first N images),
//   --test-limit N (test on the first N test images, a multiple of 100), --batch N (64),
//   --trace FILE (write the run's trace: npx portable-optim compare a.json b.json finds where two runs part)
// The weights fingerprint it prints is the same on every device and thread count.
import { writeFileSync } from "node:fs";
import { init, currentDevice, loadFashionMnist, standardizeImages, FASHION_MNIST_DIR } from "portable-optim";
import { argument, deviceFromArgs, fingerprint } from "./cli.ts";
import { classifier, type ModelName } from "./fashion-mnist-model.ts";

const epochs = Number(argument("epochs") ?? 5);
const batch = Number(argument("batch") ?? 64);
const modelName = (argument("model") ?? "mlp") as ModelName;
if (modelName !== "mlp" && modelName !== "cnn") throw new Error(`--model is ${modelName}; expected mlp or cnn`);
await init(deviceFromArgs());
const { train, test } = await loadFashionMnist(argument("data") ?? FASHION_MNIST_DIR);
[train, test].forEach(standardizeImages);
const testCount = Math.min(test.count, Number(argument("test-limit") ?? test.count));
const count = Math.min(train.count, Number(argument("limit") ?? train.count));
const model = classifier(batch, modelName);
const tracePath = argument("trace");
const trace = tracePath ? model.trace() : null;

const { name, threads } = currentDevice();
console.log(`${modelName}, device: ${name} (${threads} thread${threads > 1 ? "s" : ""}), ${count} training images, batch ${batch}, ${epochs} epochs`);
let accuracy = 0;
for (let epoch = 1; epoch <= epochs; epoch++) {
  const start = performance.now();
  const error = model.epoch(train, count);
  const seconds = (performance.now() - start) / 1000;
  accuracy = model.accuracy(test, testCount);
  console.log(`epoch ${epoch}: ${Math.round((Math.floor(count / batch) * batch) / seconds)} samples/s, ` +
    `error ${error.toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}%`);
}
console.log(`test accuracy: ${(100 * accuracy).toFixed(2)}%`);
console.log(`weights fingerprint: ${fingerprint(...model.weights())}`);
if (trace) {
  writeFileSync(tracePath!, trace.serialize());
  console.log(`trace of ${trace.steps.length} steps: ${tracePath}`);
}
