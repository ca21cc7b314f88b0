import { forEachSegment, type GravesScalars, type GravesSegment } from "../../device/Device.js";
import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WasmContext } from "./exports.js";

/** assembly/rmspropGraves.ts over the five arrays: one pass, one call per segment. */
export function rmspropGraves(ctx: WasmContext, param: DeviceArray, grad: DeviceArray, mg: DeviceArray,
  ms: DeviceArray, delta: DeviceArray, scalars: GravesScalars, segments?: readonly GravesSegment[]): void {
  const [w, g, m, s, d] = [param, grad, mg, ms, delta].map((a) => ctx.ptr(a));
  forEachSegment(param.size, scalars, segments, (start, count, { learnRate, alpha, b, momRate, epsilon }) => {
    const o = start * 4;
    ctx.arithmetic.rmspropGraves(w + o, g + o, m + o, s + o, d + o, count, learnRate, alpha, b, momRate, epsilon);
  });
}
