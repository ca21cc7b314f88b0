import type { DeviceArray } from "../../runtime/DeviceArray.js";
import { MIN_PART_ELEMENTS, type WasmContext } from "./exports.js";

export function addScaled(ctx: WasmContext, x: DeviceArray, y: DeviceArray, scale: number): void {
  const [px, py] = [ctx.ptr(x), ctx.ptr(y)];
  ctx.runParts(ctx.kernelName("addScaled"), ctx.ranges(x.size, 4, MIN_PART_ELEMENTS).map(([i0, i1]) =>
    [px + i0 * 4, py + i0 * 4, i1 - i0, scale]));
}
