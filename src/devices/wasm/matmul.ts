import type { MatmulShape } from "../../runtime/Device.js";
import type { DeviceArray } from "../../runtime/DeviceArray.js";
import { MIN_PART_ELEMENTS, type WasmContext } from "./exports.js";

/** Multiply-adds below which a thread's share of a product is not worth handing out. */
const MIN_PART_WORK = 1 << 19;

/** Copies op(B) (k×n, strides bRow and bCol) from address `b` row-major to `dst`, rows split between the threads. */
export function packB(ctx: WasmContext, b: number, dst: number, k: number, n: number, bRow: number, bCol: number): void {
  const rows = ctx.ranges(k, 4, Math.ceil(MIN_PART_ELEMENTS / n));
  ctx.runParts("packB", rows.map(([p0, p1]) => [b + p0 * bRow * 4, dst + p0 * n * 4, p1 - p0, n, bRow, bCol]));
}

export function matmul(ctx: WasmContext, a: DeviceArray, b: DeviceArray, out: DeviceArray, bias: DeviceArray | null,
  { m, k, n, aRow, aCol, bRow, bCol }: MatmulShape): void {
  let pb = ctx.ptr(b);
  if (bCol !== 1 && m > 4) {
    // A strided op(B) (dx = dy·Wᵀ) is copied row-major first: the blocked kernel needs
    // rows of B, and the copy (k·n) costs little next to the product (m·k·n).
    const packed = ctx.scratch(k * n * 4);
    packB(ctx, pb, packed, k, n, bRow, bCol);
    [pb, bRow, bCol] = [packed, n, 1];
  }
  // Address 0 is never handed out by the heap, so it stands for "no bias".
  const [pa, po, pbias] = [ctx.ptr(a), ctx.ptr(out), bias ? ctx.ptr(bias) : 0];
  const name = ctx.kernelName("matmul");
  if (m < n) {
    // op(A) is the smaller input: each part takes a range of out's columns (a multiple of
    // the kernel's eight-column blocks), reading all of op(A) and its own columns of op(B),
    // which stay in its cache for every row (rows would have each part read all of op(B)).
    const columns = ctx.ranges(n, 8, Math.ceil(MIN_PART_WORK / (m * k || 1)));
    ctx.runParts(name, columns.map(([j0, j1]) =>
      [pa, pb + j0 * bCol * 4, po + j0 * 4, pbias && pbias + j0 * 4, m, k, j1 - j0, aRow, aCol, bRow, bCol, n]));
  } else {
    // Rows of out (a multiple of the kernel's four-row blocks each).
    const rows = ctx.ranges(m, 4, Math.ceil(MIN_PART_WORK / (k * n || 1)));
    ctx.runParts(name, rows.map(([i0, i1]) =>
      [pa + i0 * aRow * 4, pb, po + i0 * n * 4, pbias, i1 - i0, k, n, aRow, aCol, bRow, bCol, n]));
  }
}
