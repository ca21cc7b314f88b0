// Runs in Chromium (bench/browser-run.ts serves it): the webgl2 update against TF.js's
// webgl backend and against a texture copy of the same bytes, wasm-simd against TF.js
// wasm, and training steps on the matching backend pairs.
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { getDevice, WebGL2Device } from "../src/index.js";
import { PassRunner } from "../src/devices/webgl2/passes.js";
import { plainPasses } from "../test/browser/hostileCompiler.ts";
import { measure, type Contender } from "./harness.ts";
import { NETS, copyFloor, oursTrainStep, oursUpdate } from "./ours.ts";
import { onBackend, tfjsTrainStep, tfjsUpdate } from "./tfjs.ts";

setWasmPaths("/tfjs-wasm/");

/**
 * `contender` run on the passes as written before the strict vocabulary (pin() the
 * identity, plain / and sqrt): what strict arithmetic costs, measured side by side.
 */
function onPlainPasses(device: WebGL2Device, contender: Contender): Contender {
  const plain = new PassRunner(device.passes.gl, device.passes.maxRows, device.subnormals, plainPasses);
  return {
    ...contender,
    name: `${contender.name} plain`,
    run: () => {
      const strict = device.passes;
      device.passes = plain;
      try {
        contender.run();
      } finally {
        device.passes = strict;
      }
    },
  };
}

async function main() {
  const webgl2 = (await getDevice("webgl2")) as WebGL2Device;
  const update: Record<string, Record<string, number>> = {};
  for (const size of [4096, 65536, 1 << 20]) {
    const strict = await oursUpdate("webgl2", size);
    const contenders = [strict, { ...onPlainPasses(webgl2, strict), dispose: () => {} }, await copyFloor("webgl2", size),
      await onBackend("webgl", () => tfjsUpdate(size)), await oursUpdate("wasm-simd", size),
      await onBackend("wasm", () => tfjsUpdate(size))];
    update[String(size)] = Object.fromEntries(await measure(contenders, { rounds: 5 }));
    contenders.forEach((c) => c.dispose());
  }
  const training: Record<string, Record<string, number>> = {};
  for (const [name, sizes, batch] of NETS) {
    const strict = await oursTrainStep("webgl2", sizes, batch);
    const contenders: Contender[] = [strict, onPlainPasses(webgl2, strict), await oursTrainStep("wasm-simd", sizes, batch)];
    for (const backend of ["webgl", "wasm"]) contenders.push(await onBackend(backend, () => tfjsTrainStep(sizes, batch)));
    training[name] = Object.fromEntries(await measure(contenders, { rounds: 5 }));
  }
  return { renderer: webgl2.renderer, userAgent: navigator.userAgent, update, training };
}

const w = window as unknown as { benchResult?: unknown; benchError?: string };
main().then((r) => (w.benchResult = r), (e) => (w.benchError = String(e?.stack ?? e)));
