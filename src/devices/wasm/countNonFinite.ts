import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WasmContext } from "./exports.js";

export function countNonFinite(ctx: WasmContext, a: DeviceArray): number {
  return ctx.exports.countNonFinite(ctx.ptr(a), a.size);
}
