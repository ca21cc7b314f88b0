import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WasmContext } from "./exports.js";

export function fill(ctx: WasmContext, a: DeviceArray, value: number): void {
  ctx.exports.fill(ctx.ptr(a), a.size, value);
}
