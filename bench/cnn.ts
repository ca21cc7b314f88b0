// The Fashion-MNIST CNN on wasm-simd: its convolutions' GFLOP/s next to the matrix product's,
// and its training step against TF.js (cpu; its wasm backend cannot train it) and jax-js
// (wasm), side by side in one process. Part of `npm run bench`; alone: `npm run bench:cnn`.
import { fileURLToPath } from "node:url";
import { availableParallelism } from "node:os";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { SGD, loadFashionMnist, standardizeImages } from "../src/index.js";
import { measure, table, ms, ratio, type Contender } from "./harness.ts";
import { oursCnnStep, oursConvPasses, oursMatmul, type ClassifierBatch } from "./ours.ts";
import { onBackend, tfjsCnnStep } from "./tfjs.ts";
import { jaxCnnStep, jaxDevice } from "./jaxjs.ts";

/** 64 standardized Fashion-MNIST training images and their labels. */
export async function fashionMnistBatch(): Promise<ClassifierBatch> {
  const { train } = await loadFashionMnist();
  return standardizeImages({ count: 64, images: train.images.slice(0, 64 * 784), labels: train.labels.subarray(0, 64) });
}

export async function cnnBenchmarks(batch: ClassifierBatch, threads: number[]): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  const threadNames = threads.slice(1).map((t) => `wasm-simd, ${t} threads`);

  console.log("The CNN's convolutions at batch 64 on wasm-simd, one thread: GFLOP/s (a product of m·k·n counts 2mkn; " +
    "backward is the input's and the weights' gradients, two such products), next to the big net's xW + b " +
    "(64x784 · 784x512) in the same rounds\n");
  const layers = [await oursConvPasses(1, 16, 28, 64), await oursConvPasses(16, 32, 14, 64)];
  const matmul = await oursMatmul("wasm-simd", [64, 784, 512], "xW");
  const contenders = [...layers.flatMap((l) => [l.forward, l.backward]), matmul];
  const t = await measure(contenders, { rounds: 9 });
  const matmulGflops = (2 * 64 * 784 * 512) / t.get(matmul.name)! / 1e6;
  const rows = [["pass", "ms", "GFLOP/s", "/ matmul"], ["matmul xW + b", ms(t.get(matmul.name)), matmulGflops.toFixed(1), "1.00x"]];
  const conv: Record<string, number> = { matmul: matmulGflops };
  let [allFlops, allMs] = [0, 0];
  const row = (name: string, time: number, flops: number) => {
    const gflops = flops / time / 1e6;
    conv[name] = gflops;
    rows.push([name, ms(time), gflops.toFixed(1), `${(gflops / matmulGflops).toFixed(2)}x`]);
  };
  for (const layer of layers) {
    for (const [pass, flops] of [[layer.forward, layer.flops], [layer.backward, 2 * layer.flops]] as const) {
      row(pass.name, t.get(pass.name)!, flops);
      allFlops += flops;
      allMs += t.get(pass.name)!;
    }
  }
  row("the four passes", allMs, allFlops);
  layers.forEach((l) => l.dispose());
  matmul.dispose();
  console.log(table(rows));
  results.convolutions = conv;

  console.log("\nThe Fashion-MNIST CNN's training step at batch 64 (the example's net, RMSPropGraves; TF.js: the same " +
    "net in NHWC, its batch norm and centered rmsprop), ms\n");
  {
    const contenders: Contender[] = [];
    for (const n of threads) contenders.push(await oursCnnStep("wasm-simd", batch, "keep", n));
    for (const device of ["wasm", "js"] as const) contenders.push(await oursCnnStep(device, batch));
    contenders.push(await onBackend("cpu", () => tfjsCnnStep(batch.images, batch.labels)));
    const t = await measure(contenders, { rounds: 5 });
    results.cnnStep = Object.fromEntries(t);
    const one = t.get("wasm-simd");
    console.log(table([
      ["wasm-simd", ...threadNames, "wasm", "js", "TF.js cpu", "TF.js cpu / simd", "TF.js cpu / js", ...threadNames.map((n) => `${n} / 1`)],
      [ms(one), ...threadNames.map((n) => ms(t.get(n))), ms(t.get("wasm")), ms(t.get("js")), ms(t.get("TF.js cpu")),
        ratio(t.get("TF.js cpu"), one), ratio(t.get("TF.js cpu"), t.get("js")), ...threadNames.map((n) => ratio(one, t.get(n)))],
    ]));
  }
  // TF.js's wasm backend registers no Conv2DBackpropFilter (tfjs#8474): it cannot train a CNN.
  const wasm = await onBackend("wasm", () => tfjsCnnStep(batch.images, batch.labels));
  try {
    await wasm.run();
    await wasm.sync();
    results.tfjsWasmCnn = "trained";
    console.log("TF.js wasm: trained a step");
  } catch (error) {
    results.tfjsWasmCnn = String((error as Error).message);
    console.log(`TF.js wasm: ${(error as Error).message}`);
  }

  console.log("\nThe same CNN step against jax-js's jit(valueAndGrad) step on its wasm device (SGD 0.01 on both sides, " +
    "its batch norm and max-pool in jax-js ops), ms\n");
  {
    const contenders: Contender[] = [];
    for (const n of threads) contenders.push(await oursCnnStep("wasm-simd", batch, "keep", n, () => new SGD({ learnRate: 0.01 })));
    await jaxDevice("wasm");
    const jax = jaxCnnStep("wasm", batch.images, batch.labels, 0.01);
    contenders.push({ name: "jax-js wasm", run: jax.run, sync: jax.sync });
    const t = await measure(contenders, { rounds: 5 });
    results.cnnJax = Object.fromEntries(t);
    console.log(table([
      ["wasm-simd", ...threadNames, "jax-js wasm", "jax-js / simd", ...threadNames.map((n) => `jax-js / ${n}`)],
      [ms(t.get("wasm-simd")), ...threadNames.map((n) => ms(t.get(n))), ms(t.get("jax-js wasm")),
        ratio(t.get("jax-js wasm"), t.get("wasm-simd")), ...threadNames.map((n) => ratio(t.get("jax-js wasm"), t.get(n)))],
    ]));
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  setWasmPaths(new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).pathname);
  const all = Math.min(8, availableParallelism());
  await cnnBenchmarks(await fashionMnistBatch(), [...new Set([1, 2, all])]);
}
