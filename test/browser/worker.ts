// Runs in a dedicated worker: no document, only OffscreenCanvas.
import { getDevice } from "../../src/index.js";
import { seedExample } from "../../src/reproducibility.js";

try {
  const webgl2 = await getDevice("webgl2");
  const result = await seedExample(webgl2);
  const reference = await seedExample(await getDevice("js"));
  postMessage({ device: webgl2.name, weights: [...result.W], reference: [...reference.W] });
} catch (error) {
  postMessage({ error: String((error as Error)?.stack ?? error) });
}
