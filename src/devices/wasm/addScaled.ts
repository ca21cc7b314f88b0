import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WasmContext } from "./exports.js";

export function addScaled(ctx: WasmContext, x: DeviceArray, y: DeviceArray, scale: number): void {
  ctx.arithmetic.addScaled(ctx.ptr(x), ctx.ptr(y), x.size, scale);
}
