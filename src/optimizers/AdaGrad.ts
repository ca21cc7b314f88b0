import { Optimizer, type OptimizerOptions, type OptimizerSpec } from "./Optimizer.js";
import { nonNegative, positive } from "./schema.js";

const f = Math.fround;

export interface AdaGradHyperParameters {
  learnRate: number;
  epsilon: number;
}
export interface AdaGradOptions extends Partial<AdaGradHyperParameters>, OptimizerOptions {}

const SPEC: OptimizerSpec<keyof AdaGradHyperParameters> = {
  name: "AdaGrad",
  hyperParameters: { learnRate: nonNegative(1e-3), epsilon: positive(1e-8) },
  state: { h: 0 },
  kernel: "adagrad",
  scalars: (h, learnRateScale) => ({ learnRate: f(h.learnRate * learnRateScale), epsilon: f(h.epsilon) }),
};

/**
 * PuzzleLib's AdaGrad: h = h + g*g, w = w - (lr*g) / (sqrt(h) + epsilon).
 * Defaults learnRate 1e-3, epsilon 1e-8.
 */
export class AdaGrad extends Optimizer<keyof AdaGradHyperParameters> {
  declare learnRate: number;
  declare epsilon: number;

  constructor(options: AdaGradOptions = {}) {
    super(SPEC, options);
  }
}
