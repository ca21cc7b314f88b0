// The module's exports: pointers and lengths only, no managed objects (runtime stub).
export { rmspropGraves } from "./rmspropGraves";
export { matmul } from "./matmul";
export { columnSums } from "./columnSums";
export { activationForward, activationBackward } from "./activation";
export { mse } from "./mse";
export { fill } from "./fill";
export { copy } from "./copy";
export { addScaled } from "./addScaled";
export { countNonFinite } from "./countNonFinite";

/** First free byte after the module's static data: the host's heap starts here. */
export function heapBase(): usize {
  return __heap_base;
}
