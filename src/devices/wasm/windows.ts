import type { ChannelSum, HandWrittenKernels, PoolMode, WindowShape } from "../../runtime/Device.js";
import { MIN_PART_ELEMENTS, type WasmContext } from "./exports.js";
import { packB } from "./matmul.js";

type WindowKernels = Pick<HandWrittenKernels,
  "im2row" | "row2im" | "convForward" | "convInputGrad" | "transpose" | "pool" | "poolBackward" | "channelSums" | "batchNorm" | "batchNormBackward">;

// The numbers assembly/windows.ts takes for the pool modes and channel sums.
const POOL_MODES: Record<PoolMode, number> = { max: 0, avgWithPad: 1, avgNoPad: 2 };
const CHANNEL_SUMS: Record<ChannelSum, number> = { sum: 0, centeredSquares: 1, normalizedProducts: 2 };

/** A window's fields in the order assembly/windows.ts takes them (after the maps). */
const windowArgs = (s: WindowShape) =>
  [s.height, s.width, s.kernelH, s.kernelW, s.strideH, s.strideW, s.padH, s.padW, s.dilationH, s.dilationW, s.outH, s.outW];
const poolArgs = (s: WindowShape) => [s.height, s.width, s.kernelH, s.kernelW, s.strideH, s.strideW, s.padH, s.padW, s.outH, s.outW];

/**
 * The wasm devices' sliding-window and per-channel kernels (assembly/windows.ts): each
 * output is computed whole by one thread, so the parts (ranges of rows, maps, channels or
 * elements, at least MIN_PART_ELEMENTS of work each) split anywhere without changing a bit.
 */
export function windowKernels(ctx: WasmContext): WindowKernels {
  /** Ranges of `count` items of `work` elements each. */
  const parts = (count: number, work: number) => ctx.ranges(count, 1, Math.ceil(MIN_PART_ELEMENTS / Math.max(work, 1)));
  return {
    im2row: (x, cols, s) => {
      const [px, pc] = [ctx.ptr(x), ctx.ptr(cols)];
      const k = s.maps * s.kernelH * s.kernelW;
      ctx.runParts("im2row", parts(s.n * s.outH * s.outW, k).map(([r0, r1]) => [px, pc, r0, r1, s.maps, ...windowArgs(s)]));
    },
    row2im: (cols, x, s) => {
      const [pc, px] = [ctx.ptr(cols), ctx.ptr(x)];
      ctx.runParts(ctx.kernelName("row2im"), parts(s.n * s.maps, s.height * s.width * s.kernelH * s.kernelW).map(([m0, m1]) =>
        [pc, px, m0, m1, s.maps, ...windowArgs(s)]));
    },
    convForward: (x, W, bias, cols, y, outmaps, s) => {
      // Wᵀ packed row-major once, then a part per range of samples, each with its own
      // scratch for a sample's products.
      const k = s.maps * s.kernelH * s.kernelW;
      const positions = s.outH * s.outW;
      const [packedBytes, productBytes] = [k * outmaps * 4, positions * outmaps * 4];
      const ranges = parts(s.n, positions * k * outmaps);
      const scratch = ctx.scratch(packedBytes + ranges.length * productBytes);
      packB(ctx, ctx.ptr(W), scratch, k, outmaps, 1, k);
      const pointers = [ctx.ptr(x), ctx.ptr(cols), scratch, bias ? ctx.ptr(bias) : 0, ctx.ptr(y)];
      ctx.runParts(ctx.kernelName("convForward"), ranges.map(([n0, n1], part) =>
        [...pointers, scratch + packedBytes + part * productBytes, n0, n1, s.maps, outmaps, ...windowArgs(s)]));
    },
    convInputGrad: (dy, W, dx, outmaps, s) => {
      // A part per range of samples, each with its own scratch for a sample's terms.
      const terms = s.maps * s.kernelH * s.kernelW * s.outH * s.outW;
      const termBytes = terms * 4;
      const ranges = parts(s.n, outmaps * terms);
      const scratch = ctx.scratch(ranges.length * termBytes);
      const pointers = [ctx.ptr(dy), ctx.ptr(W), ctx.ptr(dx)];
      ctx.runParts(ctx.kernelName("convInputGrad"), ranges.map(([n0, n1], part) =>
        [...pointers, scratch + part * termBytes, n0, n1, s.maps, outmaps, ...windowArgs(s)]));
    },
    transpose: (x, y, bias, batches, rows, cols) => {
      const [px, py, pb] = [ctx.ptr(x), ctx.ptr(y), bias ? ctx.ptr(bias) : 0];
      ctx.runParts(ctx.kernelName("transpose"), parts(batches, rows * cols).map(([b0, b1]) => [px, py, pb, b0, b1, rows, cols]));
    },
    pool: (x, y, indices, s, mode) => {
      const [px, py, pi] = [ctx.ptr(x), ctx.ptr(y), indices ? ctx.ptr(indices) : 0];
      ctx.runParts(ctx.kernelName("pool"), parts(s.n * s.maps, s.outH * s.outW * s.kernelH * s.kernelW).map(([m0, m1]) =>
        [px, py, pi, m0, m1, ...poolArgs(s), POOL_MODES[mode]]));
    },
    poolBackward: (dy, dx, indices, s, mode) => {
      const [pdy, pdx, pi] = [ctx.ptr(dy), ctx.ptr(dx), indices ? ctx.ptr(indices) : 0];
      ctx.runParts(ctx.kernelName("poolBackward"), parts(s.n * s.maps, s.height * s.width * s.kernelH * s.kernelW)
        .map(([m0, m1]) => [pdy, pdx, pi, m0, m1, ...poolArgs(s), POOL_MODES[mode]]));
    },
    channelSums: (a, b, mean, invStd, out, { n, channels, positions }, sum) => {
      const pointers = [ctx.ptr(a), b ? ctx.ptr(b) : 0, mean ? ctx.ptr(mean) : 0, invStd ? ctx.ptr(invStd) : 0, ctx.ptr(out)];
      ctx.runParts(ctx.kernelName("channelSums"), parts(channels, n * positions).map(([c0, c1]) =>
        [...pointers, c0, c1, n, channels, positions, CHANNEL_SUMS[sum]]));
    },
    batchNorm: (x, mean, invStd, scale, bias, y, { n, channels, positions }) => {
      const pointers = [x, mean, invStd, scale, bias, y].map((a) => ctx.ptr(a));
      ctx.runParts(ctx.kernelName("batchNorm"), ctx.ranges(n * channels * positions, 4, MIN_PART_ELEMENTS).map(([e0, e1]) =>
        [...pointers, e0, e1, channels, positions]));
    },
    batchNormBackward: (x, dy, mean, invStd, scale, dscale, dbias, dx, { n, channels, positions }) => {
      const pointers = [x, dy, mean, invStd, scale, dscale, dbias, dx].map((a) => ctx.ptr(a));
      ctx.runParts(ctx.kernelName("batchNormBackward"), ctx.ranges(n * channels * positions, 4, MIN_PART_ELEMENTS)
        .map(([e0, e1]) => [...pointers, e0, e1, channels, positions, Math.fround(n * positions)]));
    },
  };
}
