import type { DeviceArray } from "../runtime/DeviceArray.js";
import type { WindowShape } from "../runtime/Device.js";
import { InvalidArgumentError, ShapeMismatchError, describe } from "../errors.js";

/** A size, stride, pad or dilation: one number for both axes, or [rows, columns] (PuzzleLib's repeat()). */
export type Pair = number | readonly [number, number];

/** `value` as [rows, columns], checked to be integers of at least `min`. */
export function pair(layer: string, name: string, value: Pair, min: number): [number, number] {
  const both = typeof value === "number" ? [value, value] : value;
  if (!Array.isArray(both) || both.length !== 2 || both.some((v) => !Number.isSafeInteger(v) || v < min)) {
    throw new InvalidArgumentError(`${layer} ${name} is ${describe(value)}; expected an integer of at least ${min} ` +
      "or a pair [rows, columns] of them");
  }
  return [both[0], both[1]];
}

/** The window fields of a layer: kernel, stride, pad, dilation. */
export interface Window {
  kernel: [number, number];
  stride: [number, number];
  pad: [number, number];
  dilation: [number, number];
}

/**
 * The WindowShape of `x` under `window`, checked: x is [N, maps, H, W] with `maps` the
 * layer's (when given), and the output is at least 1×1. Errors name the layer.
 */
export function windowShape(layer: string, x: DeviceArray, window: Window, maps: number | null): WindowShape {
  const expected = `[N, ${maps ?? "maps"}, H, W]`;
  if (x.shape.length !== 4) {
    throw new ShapeMismatchError(`${layer}: input ${describe([...x.shape])} has ${x.shape.length} dimensions, expected ${expected}`);
  }
  const [n, inMaps, height, width] = x.shape;
  if (maps !== null && inMaps !== maps) {
    throw new ShapeMismatchError(`${layer}: input ${describe([...x.shape])} has ${inMaps} maps, expected ${expected}`);
  }
  const { kernel: [kernelH, kernelW], stride: [strideH, strideW], pad: [padH, padW], dilation: [dilationH, dilationW] } = window;
  const outH = Math.floor((height + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH) + 1;
  const outW = Math.floor((width + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW) + 1;
  if (!(outH >= 1 && outW >= 1)) {
    throw new ShapeMismatchError(`${layer}: input ${describe([...x.shape])} gives an output of ${outH}×${outW}; ` +
      `the padded input (${height + 2 * padH}×${width + 2 * padW}) must be at least the window ` +
      `(${dilationH * (kernelH - 1) + 1}×${dilationW * (kernelW - 1) + 1})`);
  }
  if (n < 1) throw new ShapeMismatchError(`${layer}: input ${describe([...x.shape])} is an empty batch`);
  return { n, maps: inMaps, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW };
}

/** [5, 3] as "5×3": the window in layer names of messages. */
export const showPair = ([a, b]: readonly [number, number]): string => `${a}×${b}`;
