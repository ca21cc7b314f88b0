import type { ElementwiseKernel, KernelTable, Segments } from "../../runtime/Device.js";
import { DEFINITIONS, type ElementwiseName } from "../../kernels/index.js";
import { allArrays } from "../../kernels/vocabulary.js";
import { MIN_PART_ELEMENTS, type WasmContext } from "./exports.js";
import { matmul } from "./matmul.js";
import { FINGERPRINT_CHUNK } from "../../kernels/fingerprint.js";
import { windowKernels } from "./windows.js";

/**
 * An elementwise kernel rendered to assembly/kernels.generated.ts: its export (pointers,
 * n, scalars) called once per run, each run's elements split between the threads; over
 * matrices end to end (segments), one call, each thread its rows (see ownedRanges).
 */
function elementwise(ctx: WasmContext, name: ElementwiseName): ElementwiseKernel {
  const names = allArrays(DEFINITIONS[name]);
  const exported = ctx.kernelName(name);
  return (arrays, runs, segments) => {
    const pointers = names.map((n) => ctx.ptr(arrays[n]));
    const owned = segments && ctx.ownedRanges(segments, runs.map((run) => run.end));
    if (owned) {
      // Each range lies in one run (they are cut at the runs' ends).
      ctx.runParts(exported, owned.map(([i0, i1]) =>
        [...pointers.map((p) => p + i0 * 4), i1 - i0, ...runs.find((run) => run.end > i0)!.scalars]));
      return;
    }
    let start = 0;
    for (const { end, scalars } of runs) {
      ctx.runParts(exported, ctx.ranges(end - start, 4, MIN_PART_ELEMENTS).map(([i0, i1]) =>
        [...pointers.map((p) => p + (start + i0) * 4), i1 - i0, ...scalars]));
      start = end;
    }
  };
}

/** Ranges of `size` elements for the threads: each thread its rows where the layout is given (see ownedRanges). */
function elementRanges(ctx: WasmContext, size: number, segments: Segments | undefined): [number, number][] {
  return (segments && ctx.ownedRanges(segments, [])) ?? ctx.ranges(size, 4, MIN_PART_ELEMENTS);
}

/** The wasm devices' kernel table. */
export function wasmKernels(ctx: WasmContext): KernelTable {
  const rendered = Object.fromEntries(Object.keys(DEFINITIONS).map((name) =>
    [name, elementwise(ctx, name as ElementwiseName)])) as Record<ElementwiseName, ElementwiseKernel>;
  return {
    ...rendered,
    ...windowKernels(ctx),
    matmul: (a, b, out, bias, shape) => matmul(ctx, a, b, out, bias, shape),
    columnSums: (a, out, rows, cols) => void ctx.runParts(ctx.kernelName("columnSums"), [[ctx.ptr(a), ctx.ptr(out), rows, cols]]),
    // One part: splitting would change the order of the sum.
    mseError: (pred, target, out) =>
      out.set([ctx.runParts(ctx.kernelName("mseError"), [[ctx.ptr(pred), ctx.ptr(target), pred.size]])[0]]),
    // Counts per range, added: integers, so the total does not depend on the split.
    // Rows: one part, in row order (they are short, and few beside the products).
    softmax: (x, y, { n, classes, positions }) =>
      void ctx.runParts(ctx.kernelName("softmax"), [[ctx.ptr(x), ctx.ptr(y), n, classes, positions]]),
    crossEntropy: (scores, labels, weights, grad, losses, { n, classes, positions }) =>
      void ctx.runParts(ctx.kernelName("crossEntropy"), [[ctx.ptr(scores), ctx.ptr(labels), weights ? ctx.ptr(weights) : 0,
        ctx.ptr(grad), ctx.ptr(losses), n, classes, positions]]),
    // Each element's draw depends on its index only, so the parts may split anywhere.
    dropout: (x, y, { first, key0, key1, threshold, keep }) => {
      const px = ctx.ptr(x);
      const py = ctx.ptr(y);
      ctx.runParts(ctx.kernelName("dropout"), ctx.ranges(x.size, 4, MIN_PART_ELEMENTS).map(([i0, i1]) =>
        [px + i0 * 4, py + i0 * 4, i1 - i0, first + i0, key0, key1, threshold, keep]));
    },
    // Chunks are hashed independently: the parts split between chunks.
    fingerprint: (a, out) => {
      const chunks = Math.ceil(a.size / FINGERPRINT_CHUNK);
      const [pa, po] = [ctx.ptr(a), ctx.ptr(out)];
      ctx.runParts("fingerprint", ctx.ranges(chunks, 1, Math.ceil(MIN_PART_ELEMENTS / FINGERPRINT_CHUNK)).map(([c0, c1]) =>
        [pa, a.size, FINGERPRINT_CHUNK, c0, c1, po]));
    },
    countNonFinite: (a, segments) => {
      const p = ctx.ptr(a);
      return ctx.runParts("countNonFinite", elementRanges(ctx, a.size, segments).map(([i0, i1]) => [p + i0 * 4, i1 - i0]))
        .reduce((sum, count) => sum + count, 0);
    },
    fill: (a, value, segments) => {
      const p = ctx.ptr(a);
      ctx.runParts("fill", elementRanges(ctx, a.size, segments).map(([i0, i1]) => [p + i0 * 4, i1 - i0, value]));
    },
    copy: (src, dst) => ctx.exports.copy(ctx.ptr(src), ctx.ptr(dst), src.size),
  };
}
