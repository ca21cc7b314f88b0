// The module's exports: pointers and lengths only, no managed objects (runtime stub).
// Each arithmetic kernel X also exports XFlush, the same kernel under subnormals "flush"
// (see subnormals.ts): two functions, so that neither mode pays for the other.
export { rmspropGraves, rmspropGravesFlush } from "./rmspropGraves";
export { matmul, matmulFlush, packB } from "./matmul";
export { columnSums, columnSumsFlush } from "./columnSums";
export { activationForward, activationForwardFlush, activationBackward, activationBackwardFlush } from "./activation";
export { mse, mseFlush } from "./mse";
export { fill } from "./fill";
export { copy } from "./copy";
export { addScaled, addScaledFlush } from "./addScaled";
export { countNonFinite } from "./countNonFinite";

/** First free byte after the module's static data: the host's heap starts here. */
export function heapBase(): usize {
  return __heap_base;
}
