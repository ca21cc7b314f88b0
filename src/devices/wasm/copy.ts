import type { DeviceArray } from "../../runtime/DeviceArray.js";
import type { WasmContext } from "./exports.js";

export function copy(ctx: WasmContext, src: DeviceArray, dst: DeviceArray): void {
  ctx.exports.copy(ctx.ptr(src), ctx.ptr(dst), src.size);
}
