import type { ActivationKind } from "../../device/Device.js";
import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WebGL2Device } from "./index.js";

// Must match the u_kind branches of glsl/activationForward.glsl and activationBackward.glsl.
const KIND: Record<ActivationKind, number> = { relu: 0, tanh: 1, sigmoid: 2 };

export function activationForward(device: WebGL2Device, kind: ActivationKind, x: DeviceArray, y: DeviceArray): void {
  device.passes.run({ program: "activationForward", inputs: { x }, outputs: [y], uniforms: { kind: KIND[kind] } });
}

export function activationBackward(device: WebGL2Device, kind: ActivationKind, y: DeviceArray, dy: DeviceArray,
  dx: DeviceArray): void {
  device.passes.run({ program: "activationBackward", inputs: { y, dy }, outputs: [dx], uniforms: { kind: KIND[kind] } });
}
