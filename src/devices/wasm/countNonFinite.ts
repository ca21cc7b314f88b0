import type { DeviceArray } from "../../runtime/DeviceArray.js";
import { MIN_PART_ELEMENTS, type WasmContext } from "./exports.js";

/** Counts per range, added: integers, so the total does not depend on the split. */
export function countNonFinite(ctx: WasmContext, a: DeviceArray): number {
  const p = ctx.ptr(a);
  return ctx.runParts("countNonFinite", ctx.ranges(a.size, 4, MIN_PART_ELEMENTS).map(([i0, i1]) => [p + i0 * 4, i1 - i0]))
    .reduce((sum, count) => sum + count, 0);
}
