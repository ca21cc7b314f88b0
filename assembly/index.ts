// The module's exports: pointers and lengths only, no managed objects (runtime stub).
// Each arithmetic kernel X also exports XFlush, the same kernel under subnormals "flush"
// (see vocabulary.ts): two functions, so that neither mode pays for the other. The
// elementwise kernels are rendered from their definitions (src/kernels/); the products
// and reductions are written here by hand.
export * from "./kernels.generated";
export { matmul, matmulFlush, matmulPacked, matmulPackedFlush, matmulShare, matmulShareFlush, packB } from "./matmul";
export { columnSums, columnSumsFlush } from "./columnSums";
export { mseError, mseErrorFlush } from "./mse";
export { softmax, softmaxFlush, crossEntropy, crossEntropyFlush, dropout, dropoutFlush } from "./rows";
export {
  im2row, row2im, row2imFlush, convForward, convForwardFlush, convInputGrad, convInputGradFlush,
  transpose, transposeFlush, pool, poolFlush, poolBackward, poolBackwardFlush,
  channelSums, channelSumsFlush, batchNorm, batchNormFlush, batchNormBackward, batchNormBackwardFlush,
} from "./windows";
export { fill } from "./fill";
export { copy } from "./copy";
export { countNonFinite } from "./countNonFinite";
export { fingerprint } from "./fingerprint";

/** First free byte after the module's static data: the host's heap starts here. */
export function heapBase(): usize {
  return __heap_base;
}
