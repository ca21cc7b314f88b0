import { Optimizer, type OptimizerOptions, type OptimizerSpec } from "./Optimizer.js";
import { checkOptions, defaults, positive, rate, nonNegative } from "./schema.js";
import type { DeviceArray } from "../runtime/DeviceArray.js";
import { runElementwise } from "../runtime/kernels.js";

const f = Math.fround;

/** RMSPropGraves's hyper-parameters; see its doc comment for their meaning. */
export interface GravesHyperParameters {
  /** The learning rate (times each variable's learnRate). */
  learnRate: number;
  /** The decay rate of the running means of gradients and squared gradients. */
  alpha: number;
  /** The momentum rate (times each variable's momRate). */
  momRate: number;
  /** The small constant that keeps the division finite (where it enters: the class's formula). */
  epsilon: number;
}

const SPEC: OptimizerSpec<keyof GravesHyperParameters> = {
  name: "RMSPropGraves",
  // Graves' own values (2013, section 4).
  hyperParameters: { learnRate: nonNegative(1e-4), alpha: rate(0.95), momRate: rate(0.9), epsilon: positive(1e-4) },
  state: { mg: 0, ms: 0, delta: 0 },
  kernel: "rmspropGraves",
  scalars: (h, learnRateScale, momRateScale) => ({
    learnRate: f(f(h.learnRate) * f(learnRateScale)),
    alpha: f(h.alpha),
    b: f(1 - f(h.alpha)),
    momRate: f(f(h.momRate) * f(momRateScale)),
    epsilon: f(h.epsilon),
  }),
};

/** Graves' defaults: learnRate 1e-4, alpha 0.95, momRate 0.9, epsilon 1e-4. */
export const GRAVES_DEFAULTS: Readonly<GravesHyperParameters> = Object.freeze(defaults(SPEC.hyperParameters));

export interface RMSPropGravesOptions extends Partial<GravesHyperParameters>, OptimizerOptions {}

/**
 * Alex Graves' RMSProp (2013, "Generating Sequences With Recurrent Neural Networks",
 * eqs. 38–41), as PuzzleLib's RMSPropGraves. For every parameter w with gradient
 * g = dE/dw, in float32, each operation rounded, in this order on every device
 * (the kernel src/kernels/rmspropGraves.ts):
 *
 *     b  = 1 - alpha                       (once, on the host)
 *     mg = alpha*mg + b*g                  running mean of gradients
 *     ms = alpha*ms + b*(g*g)              running mean of squared gradients
 *     d  = momRate*d - (lr*g) / sqrt((ms - mg*mg) + epsilon)
 *     w  = w + d
 *
 * with lr = learnRate * variable.learnRate and momRate = momRate * variable.momRate.
 * Epsilon is added inside the root (Graves, Keras, optax); PyTorch adds it outside
 * the root and TensorFlow.js's centered RMSProp subtracts it inside
 * (sqrt(ms - (mg^2 + eps))). PuzzleLib's documentation page writes the root as
 * sqrt(m - v^2 + eps) with m the gradient mean: a typo for the above, which is what
 * the paper and PuzzleLib's kernel compute.
 *
 * Defaults are Graves': learnRate 1e-4, alpha 0.95, momRate 0.9, epsilon 1e-4.
 */
export class RMSPropGraves extends Optimizer<keyof GravesHyperParameters> {
  /** The learning rate (times each variable's learnRate). Checked when set. */
  declare learnRate: number;
  /** The decay rate of the running means of gradients and squared gradients. Checked when set. */
  declare alpha: number;
  /** The momentum rate (times each variable's momRate). Checked when set. */
  declare momRate: number;
  /** The small constant that keeps the division finite (where it enters: the class's formula). Checked when set. */
  declare epsilon: number;

  constructor(options: RMSPropGravesOptions = {}) {
    super(SPEC, options);
  }
}

/**
 * PuzzleLib's elementwise kernel: one Graves step (see RMSPropGraves) over five
 * arrays of one size on one device, in place on param, mg, ms and delta.
 * Missing hyper-parameters take Graves' defaults.
 */
export function rmspropGravesKer(param: DeviceArray, grad: DeviceArray, mg: DeviceArray, ms: DeviceArray,
  delta: DeviceArray, hyperParameters: Partial<GravesHyperParameters> = {}): void {
  const h = checkOptions(SPEC.hyperParameters, hyperParameters, "rmspropGravesKer");
  runElementwise("rmspropGraves", { param, grad, mg, ms, delta }, SPEC.scalars(h, 1, 1, 1), "rmspropGravesKer");
}

/** The step's float32 scalars for hyper-parameters `h` (what update() gives the kernel for a variable without multipliers). */
export const gravesScalars = (h: GravesHyperParameters): Record<string, number> => SPEC.scalars(h, 1, 1, 1);
