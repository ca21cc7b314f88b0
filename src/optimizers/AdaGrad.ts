import { Optimizer, type OptimizerOptions, type OptimizerSpec } from "./Optimizer.js";
import { nonNegative, positive } from "./schema.js";

const f = Math.fround;

/** AdaGrad's hyper-parameters (the defaults are in the class's description). */
export interface AdaGradHyperParameters {
  /** The learning rate (times each variable's learnRate). */
  learnRate: number;
  /** The small constant that keeps the division finite (where it enters: the class's formula). */
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
  /** The learning rate (times each variable's learnRate). Checked when set. */
  declare learnRate: number;
  /** The small constant that keeps the division finite (where it enters: the class's formula). Checked when set. */
  declare epsilon: number;

  constructor(options: AdaGradOptions = {}) {
    super(SPEC, options);
  }
}
