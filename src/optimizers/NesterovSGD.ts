import { Optimizer, type OptimizerOptions, type OptimizerSpec } from "./Optimizer.js";
import { nonNegative, rate } from "./schema.js";

const f = Math.fround;

/** NesterovSGD's hyper-parameters (the defaults are in the class's description). */
export interface NesterovSGDHyperParameters {
  /** The learning rate (times each variable's learnRate). */
  learnRate: number;
  /** The momentum rate (times each variable's momRate). */
  momRate: number;
}
export interface NesterovSGDOptions extends Partial<NesterovSGDHyperParameters>, OptimizerOptions {}

const SPEC: OptimizerSpec<keyof NesterovSGDHyperParameters> = {
  name: "NesterovSGD",
  hyperParameters: { learnRate: nonNegative(1e-3), momRate: rate(0.9) },
  state: { mom: 0 },
  kernel: "nesterovSGD",
  scalars: (h, learnRateScale, momRateScale) => {
    const learnRate = f(h.learnRate * learnRateScale);
    const momRate = f(h.momRate * momRateScale);
    // PuzzleLib's kernel forms these two in float32 from the rounded rates: the same bits here.
    return { learnRate, momRate, momRate2: f(momRate * momRate), nesterovRate: f(f(1 + momRate) * learnRate) };
  },
};

/**
 * PuzzleLib's NesterovSGD: w = w + (momRate^2*mom - ((1 + momRate)*lr)*g), then
 * mom = momRate*mom - lr*g, with PuzzleLib's multipliers. Defaults learnRate 1e-3, momRate 0.9.
 */
export class NesterovSGD extends Optimizer<keyof NesterovSGDHyperParameters> {
  /** The learning rate (times each variable's learnRate). Checked when set. */
  declare learnRate: number;
  /** The momentum rate (times each variable's momRate). Checked when set. */
  declare momRate: number;

  constructor(options: NesterovSGDOptions = {}) {
    super(SPEC, options);
  }
}
