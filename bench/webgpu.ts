// npm run bench:webgpu: the webgpu device against TF.js's webgpu backend and jax-js's webgpu
// device on the same adapter, in Deno (Mesa's lavapipe through Vulkan here: a CPU
// rasterizer, so the figures say how the passes compare, not what a GPU does), with this
// package's wasm-simd on one thread beside them. The Graves update at 64K and 1M
// parameters, and training steps of the MLPs of bench/node.ts: RMSPropGraves against
// TF.js's centered RMSProp, SGD against jax-js's jit-compiled step. Medians of interleaved
// rounds; prints tables.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { getDevice, SGD } from "../src/index.js";
import { WebGPUDevice } from "../src/devices/webgpu/index.js";
import { measure, table, ms, ratio, type Contender } from "./harness.ts";
import { NETS, oursTrainStep, oursUpdate } from "./ours.ts";
import { onBackend, tfjsTrainStep, tfjsUpdate } from "./tfjs.ts";
import { jaxDevice, jaxTrainStep } from "./jaxjs.ts";

const device = await getDevice("webgpu") as WebGPUDevice;
const adapter = device.adapterDescription;
const jaxReady = await jaxDevice("webgpu");
console.log(`WebGPU adapter: ${adapter}; TF.js ${tf.version.tfjs}; jax-js webgpu ${jaxReady ? "available" : "unavailable"}\n`);

console.log("RMSPropGraves update (TF.js: tf.train.rmsprop centered), ms per step\n");
const updateRows = [["parameters", "webgpu", "TF.js webgpu", "wasm-simd", "TF.js / webgpu", "webgpu / wasm-simd"]];
for (const size of [1 << 16, 1 << 20]) {
  const contenders: (Contender & { dispose?(): void })[] = [await oursUpdate("webgpu", size), await oursUpdate("wasm-simd", size),
    await onBackend("webgpu", () => tfjsUpdate(size))];
  const t = await measure(contenders, { rounds: 5, minMs: 200 });
  contenders.forEach((c) => c.dispose?.());
  updateRows.push([size >= 1 << 20 ? `${size >> 20}M` : `${size >> 10}K`, ms(t.get("webgpu")), ms(t.get("TF.js webgpu")),
    ms(t.get("wasm-simd")), ratio(t.get("TF.js webgpu"), t.get("webgpu")), ratio(t.get("webgpu"), t.get("wasm-simd"))]);
}
console.log(table(updateRows));

console.log("\nTraining steps (relu MLP, MSE), ms per step\n");
const stepRows = [["net, optimizer", "webgpu", "peer", "peer's time", "peer / webgpu", "wasm-simd", "webgpu / wasm-simd"]];
for (const [name, sizes, batch] of NETS) {
  const graves = [await oursTrainStep("webgpu", sizes, batch), await oursTrainStep("wasm-simd", sizes, batch, "keep", 1),
    await onBackend("webgpu", () => tfjsTrainStep(sizes, batch))];
  const g = await measure(graves, { rounds: 5, minMs: 200 });
  stepRows.push([`${name}, RMSPropGraves`, ms(g.get("webgpu")), "TF.js webgpu", ms(g.get("TF.js webgpu")),
    ratio(g.get("TF.js webgpu"), g.get("webgpu")), ms(g.get("wasm-simd")), ratio(g.get("webgpu"), g.get("wasm-simd"))]);
  if (!jaxReady) continue;
  const sgd = () => new SGD({ learnRate: 0.01 });
  const jax = jaxTrainStep("webgpu", sizes, batch, "sgd", 0.01);
  const s = await measure([await oursTrainStep("webgpu", sizes, batch, "keep", 1, sgd),
    await oursTrainStep("wasm-simd", sizes, batch, "keep", 1, sgd), { name: "jax-js webgpu", run: jax.run, sync: jax.sync }],
  { rounds: 5, minMs: 200 });
  stepRows.push([`${name}, SGD`, ms(s.get("webgpu")), "jax-js webgpu", ms(s.get("jax-js webgpu")),
    ratio(s.get("jax-js webgpu"), s.get("webgpu")), ms(s.get("wasm-simd")), ratio(s.get("webgpu"), s.get("wasm-simd"))]);
}
console.log(table(stepRows));
