import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WasmContext } from "./exports.js";

/** The error costs nothing extra here, so it is computed even when not queried. */
export function mse(ctx: WasmContext, pred: DeviceArray, target: DeviceArray, grad: DeviceArray): number {
  return ctx.arithmetic.mse(ctx.ptr(pred), ctx.ptr(target), ctx.ptr(grad), pred.size);
}
