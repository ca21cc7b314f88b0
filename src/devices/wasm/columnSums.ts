import type { DeviceArray } from "../../runtime/DeviceArray.js";
import type { WasmContext } from "./exports.js";

export function columnSums(ctx: WasmContext, a: DeviceArray, out: DeviceArray, rows: number, cols: number): void {
  ctx.runParts(ctx.kernelName("columnSums"), [[ctx.ptr(a), ctx.ptr(out), rows, cols]]);
}
