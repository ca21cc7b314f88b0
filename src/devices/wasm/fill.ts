import type { DeviceArray } from "../../runtime/DeviceArray.js";
import { MIN_PART_ELEMENTS, type WasmContext } from "./exports.js";

export function fill(ctx: WasmContext, a: DeviceArray, value: number): void {
  const p = ctx.ptr(a);
  ctx.runParts("fill", ctx.ranges(a.size, 4, MIN_PART_ELEMENTS).map(([i0, i1]) => [p + i0 * 4, i1 - i0, value]));
}
