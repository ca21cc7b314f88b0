import type { MatmulShape } from "../../device/Device.js";
import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WasmContext } from "./exports.js";

export function matmul(ctx: WasmContext, a: DeviceArray, b: DeviceArray, out: DeviceArray, bias: DeviceArray | null,
  { m, k, n, aRow, aCol, bRow, bCol }: MatmulShape): void {
  // Address 0 is never handed out by the heap, so it stands for "no bias".
  ctx.arithmetic.matmul(ctx.ptr(a), ctx.ptr(b), ctx.ptr(out), bias ? ctx.ptr(bias) : 0, m, k, n, aRow, aCol, bRow, bCol);
}
