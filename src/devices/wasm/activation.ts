import type { ActivationKind } from "../../device/Device.js";
import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WasmContext } from "./exports.js";

// Must match the constants in assembly/activation.ts.
const KIND: Record<ActivationKind, number> = { relu: 0, tanh: 1, sigmoid: 2 };

export function activationForward(ctx: WasmContext, kind: ActivationKind, x: DeviceArray, y: DeviceArray): void {
  ctx.arithmetic.activationForward(KIND[kind], ctx.ptr(x), ctx.ptr(y), x.size);
}

export function activationBackward(ctx: WasmContext, kind: ActivationKind, y: DeviceArray, dy: DeviceArray,
  dx: DeviceArray): void {
  ctx.arithmetic.activationBackward(KIND[kind], ctx.ptr(y), ctx.ptr(dy), ctx.ptr(dx), y.size);
}
