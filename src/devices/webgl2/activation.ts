import type { ActivationKind } from "../../runtime/Device.js";
import type { DeviceArray } from "../../runtime/DeviceArray.js";
import type { WebGL2Device } from "./index.js";
import { sameLanes } from "./passes.js";

/** The variant of glsl/activationForward.glsl and activationBackward.glsl: relu when neither is defined. */
const kindDefines = (kind: ActivationKind) => ({ TANH: kind === "tanh", SIGMOID: kind === "sigmoid" });

export function activationForward(device: WebGL2Device, kind: ActivationKind, x: DeviceArray, y: DeviceArray): void {
  device.passes.run({
    program: "activationForward", inputs: { x }, outputs: [y], defines: { ...kindDefines(kind), ALIGNED: sameLanes(y, x) },
  });
}

export function activationBackward(device: WebGL2Device, kind: ActivationKind, y: DeviceArray, dy: DeviceArray,
  dx: DeviceArray): void {
  device.passes.run({
    program: "activationBackward", inputs: { y, dy }, outputs: [dx],
    defines: { ...kindDefines(kind), ALIGNED: sameLanes(dx, y, dy) },
  });
}
