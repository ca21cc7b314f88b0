import { Optimizer, type OptimizerOptions, type OptimizerSpec } from "./Optimizer.js";
import { nonNegative, rate } from "./schema.js";

const f = Math.fround;

/** MomentumSGD's hyper-parameters (the defaults are in the class's description). */
export interface MomentumSGDHyperParameters {
  /** The learning rate (times each variable's learnRate). */
  learnRate: number;
  /** The momentum rate (times each variable's momRate). */
  momRate: number;
}
export interface MomentumSGDOptions extends Partial<MomentumSGDHyperParameters>, OptimizerOptions {}

const SPEC: OptimizerSpec<keyof MomentumSGDHyperParameters> = {
  name: "MomentumSGD",
  hyperParameters: { learnRate: nonNegative(1e-3), momRate: rate(0.9) },
  state: { mom: 0 },
  kernel: "momentumSGD",
  scalars: (h, learnRateScale, momRateScale) => ({
    learnRate: f(h.learnRate * learnRateScale), momRate: f(h.momRate * momRateScale),
  }),
};

/**
 * PuzzleLib's MomentumSGD (classical momentum): mom = momRate*mom - lr*g, w = w + mom,
 * with lr = learnRate * variable.learnRate and momRate = momRate * variable.momRate.
 * `mom` is the step, PuzzleLib's value. Defaults learnRate 1e-3, momRate 0.9.
 */
export class MomentumSGD extends Optimizer<keyof MomentumSGDHyperParameters> {
  /** The learning rate (times each variable's learnRate). Checked when set. */
  declare learnRate: number;
  /** The momentum rate (times each variable's momRate). Checked when set. */
  declare momRate: number;

  constructor(options: MomentumSGDOptions = {}) {
    super(SPEC, options);
  }
}
