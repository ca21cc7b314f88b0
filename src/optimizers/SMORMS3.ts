import { Optimizer, type OptimizerOptions, type OptimizerSpec } from "./Optimizer.js";
import { nonNegative, positive } from "./schema.js";

const f = Math.fround;

/** SMORMS3's hyper-parameters (the defaults are in the class's description). */
export interface SMORMS3HyperParameters {
  /** The learning rate (times each variable's learnRate). */
  learnRate: number;
  /** The small constant that keeps the division finite (where it enters: the class's formula). */
  epsilon: number;
}
export interface SMORMS3Options extends Partial<SMORMS3HyperParameters>, OptimizerOptions {}

const SPEC: OptimizerSpec<keyof SMORMS3HyperParameters> = {
  name: "SMORMS3",
  hyperParameters: { learnRate: nonNegative(1e-3), epsilon: positive(1e-16) },
  state: { mem: 1, mg: 0, ms: 0 },
  kernel: "smorms3",
  scalars: (h, learnRateScale) => ({ learnRate: f(h.learnRate * learnRateScale), epsilon: f(h.epsilon) }),
};

/**
 * PuzzleLib's SMORMS3 (Simon Funk, 2015): r = 1/(mem + 1), mg = (1 - r)*mg + r*g,
 * ms = (1 - r)*ms + (r*g)*g, x = (mg*mg) / (ms + epsilon), mem = 1 + mem*(1 - x),
 * w = w - (g*min(lr, x)) / (sqrt(ms) + epsilon). `mem` starts at 1; `mg` is the mean of
 * dE/dw (PuzzleLib's negated). Defaults learnRate 1e-3, epsilon 1e-16.
 */
export class SMORMS3 extends Optimizer<keyof SMORMS3HyperParameters> {
  /** The learning rate (times each variable's learnRate). Checked when set. */
  declare learnRate: number;
  /** The small constant that keeps the division finite (where it enters: the class's formula). Checked when set. */
  declare epsilon: number;

  constructor(options: SMORMS3Options = {}) {
    super(SPEC, options);
  }
}
