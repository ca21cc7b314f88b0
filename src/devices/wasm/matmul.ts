import type { MatmulShape } from "../../runtime/Device.js";
import type { DeviceArray } from "../../runtime/DeviceArray.js";
import { MIN_PART_ELEMENTS, ROW_ALIGN, type WasmContext } from "./exports.js";

/** Multiply-adds below which a thread's share of a product is not worth handing out. */
const MIN_PART_WORK = 1 << 19;

/**
 * Columns per block of a product split along k: the shares hand each other a block at a
 * time, so a later share ends a block after the one before (one of the kernel's 4×8 tiles
 * wide: 64×784·784×512 on two threads, medians of 25 interleaved rounds, took 0.73 ms with
 * 8 columns, 0.80 with 16 and 0.89 with 24).
 */
const SHARE_COLUMNS = 8;

/** Most blocks a product split along k has: a claim word counts them in 16 bits (see matmulShare). */
const MAX_SHARE_BLOCKS = 0xffff;

/** The most bytes of op(A) a share reads per block: what stays in a core's L2 cache from block to block. */
const SHARE_A_BYTES = 1 << 19;

/** Copies op(B) (k×n, strides bRow and bCol) from address `b` row-major to `dst`, rows split between the threads. */
export function packB(ctx: WasmContext, b: number, dst: number, k: number, n: number, bRow: number, bCol: number): void {
  const rows = ctx.ranges(k, 4, Math.ceil(MIN_PART_ELEMENTS / n));
  ctx.runParts("packB", rows.map(([p0, p1]) => [b + p0 * bRow * 4, dst + p0 * n * 4, p1 - p0, n, bRow, bCol, n]));
}

export function matmul(ctx: WasmContext, a: DeviceArray, b: DeviceArray, out: DeviceArray, bias: DeviceArray | null,
  { m, k, n, aRow, aCol, bRow, bCol }: MatmulShape): void {
  // Address 0 is never handed out by the heap, so it stands for "no bias".
  const [pa, pb, po, pbias] = [ctx.ptr(a), ctx.ptr(b), ctx.ptr(out), bias ? ctx.ptr(bias) : 0];
  const name = ctx.kernelName("matmul");
  // A strided op(B) (dx = dy·Wᵀ) is copied row-major for the blocked kernel, where op(A) has
  // rows enough for the copy (k·n) to pay next to the product (m·k·n).
  const copyB = bCol !== 1 && m > 4;
  // The work first: it rules out the small products of a small net at once.
  if (ctx.threadsHaveCores && m * k * n >= ctx.threads * MIN_PART_WORK && m < n && bCol === 1 &&
    k >= ctx.threads * ROW_ALIGN && m * Math.ceil(k / ctx.threads) * 4 <= SHARE_A_BYTES &&
    Math.ceil(n / SHARE_COLUMNS) <= MAX_SHARE_BLOCKS) {
    // y = x·W: thread t sums terms [firstRow(k, t), firstRow(k, t + 1)) of every output,
    // the rows of W whose update it runs (WasmContext.ownedRanges), so W's lines stay in
    // one core's cache from the update to the product and back (split by columns, each
    // thread would read a band of every row, and the update would write lines the other
    // core holds: bench/threads.ts times both). The shares poll for each other's blocks,
    // so only where each thread has a core. The first and the last stage of a block go to
    // whichever thread is free (see matmulShare), so neither thread idles long on the other.
    const blocks = Math.ceil(n / SHARE_COLUMNS);
    const { flags, base, claims } = ctx.shareFlags(blocks);
    const [kFirst, kLast] = [ctx.firstRow(k, 1), ctx.firstRow(k, ctx.threads - 1)];
    const shares = Array.from({ length: ctx.threads }, (_, t) => [pa, pb, po, pbias, m, ctx.firstRow(k, t),
      ctx.firstRow(k, t + 1), n, aRow, aCol, bRow, 1, n, flags, SHARE_COLUMNS, base, t, ctx.threads, claims, kFirst, kLast, k]);
    ctx.runParts(ctx.kernelName("matmulShare"), shares);
  } else if (m < n) {
    // op(A) is the smaller input: each part takes a range of out's columns (a multiple of
    // the kernel's eight-column blocks), reading all of op(A) and its own columns of op(B),
    // which stay in its cache for every row (rows would have each part read all of op(B)).
    const columns = ctx.ranges(n, ROW_ALIGN, Math.ceil(MIN_PART_WORK / (m * k || 1)));
    if (!copyB) {
      ctx.runParts(name, columns.map(([j0, j1]) => [pa, pb + j0 * bCol * 4, po + j0 * 4, pbias && pbias + j0 * 4,
        m, k, j1 - j0, aRow, aCol, bRow, bCol, n]));
    } else {
      // Each part first copies its columns of op(B) (W's rows, those whose update its thread
      // runs), then multiplies them.
      const packed = ctx.scratch(k * n * 4);
      ctx.runParts(ctx.kernelName("matmulPacked"), columns.map(([j0, j1]) => [pa, pb + j0 * bCol * 4, po + j0 * 4,
        pbias && pbias + j0 * 4, m, k, j1 - j0, aRow, aCol, bRow, bCol, n, packed + j0 * 4, n]));
    }
  } else {
    // Rows of out (W's rows, for dW = xᵀ·dy), multiples of the kernel's four-row blocks.
    const packed = copyB ? ctx.scratch(k * n * 4) : 0;
    if (packed) packB(ctx, pb, packed, k, n, bRow, bCol);
    const [pb2, bRow2, bCol2] = packed ? [packed, n, 1] : [pb, bRow, bCol];
    const rows = ctx.ranges(m, ROW_ALIGN, Math.ceil(MIN_PART_WORK / (k * n || 1)));
    ctx.runParts(name, rows.map(([i0, i1]) =>
      [pa + i0 * aRow * 4, pb2, po + i0 * n * 4, pbias, i1 - i0, k, n, aRow, aCol, bRow2, bCol2, n]));
  }
}
