import { Optimizer, type OptimizerOptions, type OptimizerSpec } from "./Optimizer.js";
import { positive, type HyperParameter } from "./schema.js";

const f = Math.fround;

/** AdaDelta's hyper-parameters (the defaults are in the class's description). */
export interface AdaDeltaHyperParameters {
  /** The decay rate of the running averages. */
  rho: number;
  /** The small constant that keeps the division finite (where it enters: the class's formula). */
  epsilon: number;
}
export interface AdaDeltaOptions extends Partial<AdaDeltaHyperParameters>, OptimizerOptions {}

const openUnit: HyperParameter = { default: 0.95, accepts: (v) => v > 0 && v < 1, expected: "a finite number in (0, 1)" };

const SPEC: OptimizerSpec<keyof AdaDeltaHyperParameters> = {
  name: "AdaDelta",
  hyperParameters: { rho: openUnit, epsilon: positive(1e-6) },
  state: { msg: 0, msdx: 0 },
  kernel: "adadelta",
  // No learning rate and no multipliers, as in PuzzleLib.
  scalars: (h) => ({ oneMinusRho: f(1 - f(h.rho)), epsilon: f(h.epsilon) }),
};

/**
 * PuzzleLib's AdaDelta (Zeiler 2012): msg = msg + (1 - rho)*(g*g - msg),
 * dx = sqrt((msdx + epsilon) / (msg + epsilon))*g, msdx = msdx + (1 - rho)*(dx*dx - msdx),
 * w = w - dx. Defaults rho 0.95, epsilon 1e-6.
 */
export class AdaDelta extends Optimizer<keyof AdaDeltaHyperParameters> {
  /** The decay rate of the running averages. Checked when set. */
  declare rho: number;
  /** The small constant that keeps the division finite (where it enters: the class's formula). Checked when set. */
  declare epsilon: number;

  constructor(options: AdaDeltaOptions = {}) {
    super(SPEC, options);
  }
}
