import { Optimizer, type OptimizerOptions, type OptimizerSpec } from "./Optimizer.js";
import { nonNegative } from "./schema.js";

const f = Math.fround;

/** SGD's hyper-parameters (the defaults are in the class's description). */
export interface SGDHyperParameters {
  /** The learning rate (times each variable's learnRate). */
  learnRate: number;
}
export interface SGDOptions extends Partial<SGDHyperParameters>, OptimizerOptions {}

const SPEC: OptimizerSpec<keyof SGDHyperParameters> = {
  name: "SGD",
  hyperParameters: { learnRate: nonNegative(1e-3) },
  state: {},
  kernel: "sgd",
  scalars: (h, learnRateScale) => ({ learnRate: f(h.learnRate * learnRateScale) }),
};

/**
 * PuzzleLib's SGD: w = w - lr*g, with lr = learnRate * variable.learnRate (in double,
 * rounded to float32 once, as PuzzleLib passes it). Default learnRate 1e-3.
 */
export class SGD extends Optimizer<keyof SGDHyperParameters> {
  /** The learning rate (times each variable's learnRate). Checked when set. */
  declare learnRate: number;

  constructor(options: SGDOptions = {}) {
    super(SPEC, options);
  }
}
