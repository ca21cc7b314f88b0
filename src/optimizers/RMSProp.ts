import { Optimizer, type OptimizerOptions, type OptimizerSpec } from "./Optimizer.js";
import { nonNegative, positive, rate } from "./schema.js";

const f = Math.fround;

/** RMSProp's hyper-parameters (the defaults are in the class's description). */
export interface RMSPropHyperParameters {
  /** The learning rate (times each variable's learnRate). */
  learnRate: number;
  /** The decay rate of the mean of squared gradients. */
  factor: number;
  /** The small constant that keeps the division finite (where it enters: the class's formula). */
  epsilon: number;
}
export interface RMSPropOptions extends Partial<RMSPropHyperParameters>, OptimizerOptions {}

const SPEC: OptimizerSpec<keyof RMSPropHyperParameters> = {
  name: "RMSProp",
  hyperParameters: { learnRate: nonNegative(1e-3), factor: rate(0.9), epsilon: positive(1e-5) },
  state: { ms: 0 },
  kernel: "rmsprop",
  scalars: (h, learnRateScale) => ({
    learnRate: f(h.learnRate * learnRateScale), factor: f(h.factor), oneMinusFactor: f(1 - f(h.factor)), epsilon: f(h.epsilon),
  }),
};

/**
 * PuzzleLib's RMSProp (Hinton's): ms = factor*ms + ((1 - factor)*g)*g,
 * w = w - (lr*g) / (sqrt(ms) + epsilon), epsilon outside the root (as PyTorch; TF.js and
 * Keras put it inside). Defaults learnRate 1e-3, factor 0.9, epsilon 1e-5.
 */
export class RMSProp extends Optimizer<keyof RMSPropHyperParameters> {
  /** The learning rate (times each variable's learnRate). Checked when set. */
  declare learnRate: number;
  /** The decay rate of the mean of squared gradients. Checked when set. */
  declare factor: number;
  /** The small constant that keeps the division finite (where it enters: the class's formula). Checked when set. */
  declare epsilon: number;

  constructor(options: RMSPropOptions = {}) {
    super(SPEC, options);
  }
}
