// The js device's kernels as plain functions over Float32Arrays, for users' own
// conformance checks: the exact float32 semantics every device reproduces.
export { rmspropGraves } from "./rmspropGraves.js";
export { matmul } from "./matmul.js";
export { columnSums } from "./columnSums.js";
export { activationForward, activationBackward, expf, tanhf, sigmoidf } from "./activation.js";
export { mse } from "./mse.js";
export { addScaled } from "./addScaled.js";
