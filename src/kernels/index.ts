/**
 * Every elementwise kernel, by name: the table the renderers write for every device
 * (npm run render) and the devices run. Adding a kernel: a definition file here (or a
 * definition in optimizers.ts, the family's steps), its entry below, `npm run render`;
 * then the module or optimizer that calls it.
 */
import { rmspropGraves } from "./rmspropGraves.js";
import { adadelta, adagrad, adam, momentumSGD, nesterovSGD, rmsprop, sgd, smorms3 } from "./optimizers.js";
import { exp, log, relu, reluBackward, sigmoid, sigmoidBackward, tanh, tanhBackward } from "./activations.js";
import { addScaled } from "./addScaled.js";
import { mseGradient } from "./mseGradient.js";
import { batchNormInvStd, batchNormMean, batchNormStatistics } from "./batchNorm.js";
import type { ElementwiseDefinition } from "./vocabulary.js";

export const DEFINITIONS = {
  rmspropGraves, sgd, momentumSGD, nesterovSGD, rmsprop, adam, adagrad, adadelta, smorms3,
  relu, tanh, sigmoid, exp, log,
  reluBackward, tanhBackward, sigmoidBackward,
  addScaled,
  mseGradient,
  batchNormMean, batchNormStatistics, batchNormInvStd,
} as const satisfies Record<string, ElementwiseDefinition>;

export type ElementwiseName = keyof typeof DEFINITIONS;
