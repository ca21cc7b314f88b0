// A lost WebGL context (WEBGL_lose_context) loses no training state: after the browser
// restores it, weights, optimizer state and t are the last snapshot's, and training
// continues to the same bits as a run that was never interrupted.
import { it, expect } from "vitest";
import { init, ContextLostError, type Module, type Optimizer } from "../../src/index.js";
import { WebGL2Device } from "../../src/devices/webgl2/index.js";
import { seedSetup } from "../../src/reproducibility.js";
import { expectSameBits } from "../helpers.js";

function everything(net: Module, optimizer: Optimizer): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [variable, [name]] of net.getVarTable()) {
    out.set(name, variable.data.get());
    for (const [key, array] of Object.entries(optimizer.getState(name))) out.set(`${name}.${key}`, array.get());
  }
  return out;
}

it("a lost context is restored from the last snapshot and training goes on bit-identically", async () => {
  await init({ device: "js" });
  const uninterrupted = seedSetup();
  for (let i = 0; i < 15; i++) uninterrupted.step();
  const expected = everything(uninterrupted.net, uninterrupted.optimizer);

  const device = (await init({ device: "webgl2" })) as WebGL2Device;
  const seed = seedSetup();
  expect(seed.optimizer.snapshotEvery).toBe(10);
  for (let i = 0; i < 13; i++) seed.step(); // snapshot at t = 10, then 3 more steps
  const canvas = device.passes.gl.canvas as EventTarget;
  const lose = device.passes.gl.getExtension("WEBGL_lose_context");
  expect(lose, "WEBGL_lose_context").not.toBeNull();

  const lost = new Promise((resolve) => canvas.addEventListener("webglcontextlost", resolve, { once: true }));
  lose!.loseContext();
  await lost;
  // Let the lost event finish dispatching: only then does the browser allow a restore.
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(device.lost).toBe(true);
  expect(() => seed.step()).toThrow(ContextLostError);
  expect(() => seed.net.getVar("0.W").data.get()).toThrow(/the WebGL context is lost/);
  expect(seed.optimizer.t).toBe(13);

  const restored = new Promise((resolve) => canvas.addEventListener("webglcontextrestored", resolve, { once: true }));
  lose!.restoreContext();
  await restored;
  expect(device.lost).toBe(false);
  expect(seed.optimizer.t).toBe(10);
  for (let i = 0; i < 5; i++) seed.step();
  expect(seed.optimizer.t).toBe(15);
  const got = everything(seed.net, seed.optimizer);
  for (const [name, values] of expected) expectSameBits(got.get(name)!, values, name);
  seed.dispose();
  uninterrupted.dispose();
});
