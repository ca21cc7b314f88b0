import type { GravesScalars } from "../../device/Device.js";
import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WasmContext } from "./exports.js";

/** assembly/rmspropGraves.ts over the five arrays in one pass. */
export function rmspropGraves(ctx: WasmContext, param: DeviceArray, grad: DeviceArray, mg: DeviceArray,
  ms: DeviceArray, delta: DeviceArray, s: GravesScalars): void {
  ctx.exports.rmspropGraves(ctx.ptr(param), ctx.ptr(grad), ctx.ptr(mg), ctx.ptr(ms), ctx.ptr(delta), param.size,
    s.learnRate, s.alpha, s.b, s.momRate, s.epsilon);
}
