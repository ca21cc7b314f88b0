import { Optimizer, type OptimizerOptions, type OptimizerSpec } from "./Optimizer.js";
import { powInt } from "./hostMath.js";
import { nonNegative, positive, rate } from "./schema.js";

const f = Math.fround;

/** Adam's hyper-parameters (the defaults are in the class's description). */
export interface AdamHyperParameters {
  /** The step size before bias correction. */
  alpha: number;
  /** The decay rate of the mean of gradients. */
  beta1: number;
  /** The decay rate of the mean of squared gradients. */
  beta2: number;
  /** The small constant that keeps the division finite (where it enters: the class's formula). */
  epsilon: number;
}
export interface AdamOptions extends Partial<AdamHyperParameters>, OptimizerOptions {}

/**
 * The bias-corrected rate of step t, alpha * sqrt(1 - beta2^t) / (1 - beta1^t), in double
 * with the powers by squaring (Math.pow differs between engines), rounded once.
 */
export function adamLearnRate(h: AdamHyperParameters, t: number, learnRateScale = 1): number {
  return f((h.alpha * Math.sqrt(1 - powInt(h.beta2, t)) / (1 - powInt(h.beta1, t))) * learnRateScale);
}

const SPEC: OptimizerSpec<keyof AdamHyperParameters> = {
  name: "Adam",
  hyperParameters: { alpha: nonNegative(1e-3), beta1: rate(0.9), beta2: rate(0.999), epsilon: positive(1e-8) },
  state: { mg: 0, ms: 0 },
  kernel: "adam",
  scalars: (h, learnRateScale, _momRateScale, t) => ({
    learnRate: adamLearnRate(h, t, learnRateScale), fix1: f(1 - h.beta1), fix2: f(1 - h.beta2), epsilon: f(h.epsilon),
  }),
};

/**
 * PuzzleLib's Adam (Kingma and Ba 2015, with the bias correction folded into the rate):
 * mg = mg + (1 - beta1)*(g - mg), ms = ms + (1 - beta2)*(g*g - ms),
 * w = w - (lr_t*mg) / (sqrt(ms) + epsilon), lr_t = alpha * sqrt(1 - beta2^t) / (1 - beta1^t)
 * times variable.learnRate, epsilon outside the root. `mg` is the mean of dE/dw (PuzzleLib's,
 * the mean of its negated gradient, negated). Defaults alpha 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-8.
 */
export class Adam extends Optimizer<keyof AdamHyperParameters> {
  /** The step size before bias correction. Checked when set. */
  declare alpha: number;
  /** The decay rate of the mean of gradients. Checked when set. */
  declare beta1: number;
  /** The decay rate of the mean of squared gradients. Checked when set. */
  declare beta2: number;
  /** The small constant that keeps the division finite (where it enters: the class's formula). Checked when set. */
  declare epsilon: number;

  constructor(options: AdamOptions = {}) {
    super(SPEC, options);
  }
}
