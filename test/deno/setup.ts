// Setup of the Vitest project "deno" (npm run test:webgpu-deno runs Vitest in Deno, once on
// each of DENO_WEBGPU_BACKEND=vulkan and gl): the suites there test the webgpu device alone
// (test/helpers.ts), so a Deno whose webgpu device does not open, or opens on another
// adapter than the Mesa software one this route is meant to test, fails every suite with
// the reason.
import { getDevice } from "../../src/index.js";
import type { WebGPUDevice } from "../../src/devices/webgpu/index.js";

const backend = process.env.DENO_WEBGPU_BACKEND;
if (backend !== "vulkan" && backend !== "gl") {
  throw new Error(`DENO_WEBGPU_BACKEND is ${backend ?? "unset"}: set it to vulkan (lavapipe) or gl (llvmpipe), ` +
    "as npm run test:webgpu-deno does, so that a run says which route it tested");
}
// getDevice() throws WebGPUError with its reason where Deno finds no adapter (Mesa's lavapipe
// and llvmpipe come from Debian's mesa-vulkan-drivers and libgl1-mesa-dri: scripts/test-setup.mjs).
const device = await getDevice("webgpu") as WebGPUDevice;
if (!/llvmpipe/.test(device.adapterDescription)) {
  throw new Error(`Deno's WebGPU adapter is "${device.adapterDescription}", not Mesa's llvmpipe (lavapipe or GL) ` +
    "that this suite is meant for");
}
