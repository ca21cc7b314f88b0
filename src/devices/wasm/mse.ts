import type { DeviceArray } from "../../runtime/DeviceArray.js";
import type { WasmContext } from "./exports.js";

/**
 * The error costs nothing extra here, so it is computed even when not queried. One
 * part: splitting would change the order of the error's sum.
 */
export function mse(ctx: WasmContext, pred: DeviceArray, target: DeviceArray, grad: DeviceArray): number {
  return ctx.runParts(ctx.kernelName("mse"), [[ctx.ptr(pred), ctx.ptr(target), ctx.ptr(grad), pred.size]])[0];
}
