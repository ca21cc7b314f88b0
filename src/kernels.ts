import type { DeviceArray } from "./runtime/DeviceArray.js";
import { checkArrays, checkSizes } from "./runtime/checks.js";
import { checkHyperParameters, gravesScalars, type GravesHyperParameters } from "./optimizers/hyperParameters.js";

/**
 * PuzzleLib's elementwise kernel: one Graves step (see RMSPropGraves) over five
 * arrays of one size on one device, in place on param, mg, ms and delta.
 * Missing hyper-parameters take Graves' defaults.
 */
export function rmspropGravesKer(param: DeviceArray, grad: DeviceArray, mg: DeviceArray, ms: DeviceArray,
  delta: DeviceArray, hyperParameters: Partial<GravesHyperParameters> = {}): void {
  const h = checkHyperParameters(hyperParameters, "rmspropGravesKer");
  checkArrays("rmspropGravesKer", { param, grad, mg, ms, delta });
  checkSizes("rmspropGravesKer", param.size, { grad, mg, ms, delta });
  param.device.rmspropGraves(param, grad, mg, ms, delta, gravesScalars(h));
}
