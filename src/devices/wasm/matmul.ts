import type { MatmulShape } from "../../device/Device.js";
import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WasmContext } from "./exports.js";

export function matmul(ctx: WasmContext, a: DeviceArray, b: DeviceArray, out: DeviceArray, bias: DeviceArray | null,
  { m, k, n, aRow, aCol, bRow, bCol }: MatmulShape): void {
  let pb = ctx.ptr(b);
  if (bCol !== 1 && m > 4) {
    // A strided op(B) (dx = dy·Wᵀ) is copied row-major first: the blocked kernel needs
    // rows of B, and the copy (k·n) costs little next to the product (m·k·n).
    const packed = ctx.scratch(k * n * 4);
    ctx.exports.packB(pb, packed, k, n, bRow, bCol);
    [pb, bRow, bCol] = [packed, n, 1];
  }
  // Address 0 is never handed out by the heap, so it stands for "no bias".
  ctx.arithmetic.matmul(ctx.ptr(a), pb, ctx.ptr(out), bias ? ctx.ptr(bias) : 0, m, k, n, aRow, aCol, bRow, bCol);
}
