import type { DeviceArray } from "../../runtime/DeviceArray.js";
import type { WebGL2Device } from "./index.js";
import { aligned, sameLanes } from "./passes.js";

/**
 * Two passes: the gradient, elementwise, and (only when the error is asked for) the
 * error, summed by one fragment in element order and read back as one texel.
 * Skipping the read keeps a training loop from waiting on the GPU every step.
 */
export function mse(device: WebGL2Device, pred: DeviceArray, target: DeviceArray, grad: DeviceArray,
  queryError: boolean): number | null {
  device.passes.run({
    program: "mseGradient", inputs: { pred, target }, outputs: [grad], defines: { ALIGNED: sameLanes(grad, pred, target) },
  });
  if (!queryError) return null;
  const error = device.scratch(1);
  device.passes.run({
    program: "mseError", inputs: { pred, target }, outputs: [error], uniforms: { size: pred.size },
    defines: { ALIGNED: aligned(pred.offset, target.offset) },
  });
  return error.get()[0];
}
