import { forEachSegment, type GravesScalars, type GravesSegment } from "../../runtime/Device.js";
import type { DeviceArray } from "../../runtime/DeviceArray.js";
import { MIN_PART_ELEMENTS, type WasmContext } from "./exports.js";

/** assembly/rmspropGraves.ts over the five arrays: one pass, one call per segment, split between the threads. */
export function rmspropGraves(ctx: WasmContext, param: DeviceArray, grad: DeviceArray, mg: DeviceArray,
  ms: DeviceArray, delta: DeviceArray, scalars: GravesScalars, segments?: readonly GravesSegment[]): void {
  const [w, g, m, s, d] = [param, grad, mg, ms, delta].map((a) => ctx.ptr(a));
  const name = ctx.kernelName("rmspropGraves");
  forEachSegment(param.size, scalars, segments, (start, count, { learnRate, alpha, b, momRate, epsilon }) => {
    ctx.runParts(name, ctx.ranges(count, 4, MIN_PART_ELEMENTS).map(([i0, i1]) => {
      const o = (start + i0) * 4;
      return [w + o, g + o, m + o, s + o, d + o, i1 - i0, learnRate, alpha, b, momRate, epsilon];
    }));
  });
}
