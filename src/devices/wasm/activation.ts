import type { ActivationKind } from "../../runtime/Device.js";
import type { DeviceArray } from "../../runtime/DeviceArray.js";
import { MIN_PART_ELEMENTS, type WasmContext } from "./exports.js";

// Must match the constants in assembly/activation.ts.
const KIND: Record<ActivationKind, number> = { relu: 0, tanh: 1, sigmoid: 2 };

export function activationForward(ctx: WasmContext, kind: ActivationKind, x: DeviceArray, y: DeviceArray): void {
  const [px, py] = [ctx.ptr(x), ctx.ptr(y)];
  ctx.runParts(ctx.kernelName("activationForward"), ctx.ranges(x.size, 4, MIN_PART_ELEMENTS).map(([i0, i1]) =>
    [KIND[kind], px + i0 * 4, py + i0 * 4, i1 - i0]));
}

export function activationBackward(ctx: WasmContext, kind: ActivationKind, y: DeviceArray, dy: DeviceArray,
  dx: DeviceArray): void {
  const [py, pdy, pdx] = [ctx.ptr(y), ctx.ptr(dy), ctx.ptr(dx)];
  ctx.runParts(ctx.kernelName("activationBackward"), ctx.ranges(y.size, 4, MIN_PART_ELEMENTS).map(([i0, i1]) =>
    [KIND[kind], py + i0 * 4, pdy + i0 * 4, pdx + i0 * 4, i1 - i0]));
}
