import { Optimizer, type NonFinitePolicy, type UpdateRange } from "./Optimizer.js";
import { NodeInfo } from "../workers/nodeinfo.js";
import { InvalidArgumentError, describe } from "../errors.js";
import {
  GRAVES_DEFAULTS, checkHyperParameter, checkHyperParameters, gravesScalars, type GravesHyperParameters,
} from "./hyperParameters.js";

export interface RMSPropGravesOptions extends Partial<GravesHyperParameters> {
  /**
   * PuzzleLib's multi-node information: in a node started by startNodes(), the NodeInfo
   * that joinNodes() returned. setupOn() (with useGlobalState) then starts every replica
   * from node 0's parameters, and update() sums the gradient over the nodes in rank order
   * before the step, so every replica stays identical.
   */
  nodeinfo?: NodeInfo | null;
  /** What update() does with NaN or infinite gradients (see Optimizer.nonFinite); default "throw". */
  nonFinite?: NonFinitePolicy;
  /** Steps between host snapshots on devices that can lose memory (see Optimizer.snapshotEvery); default 10. */
  snapshotEvery?: number;
}

/**
 * Alex Graves' RMSProp (2013, "Generating Sequences With Recurrent Neural Networks",
 * eqs. 38–41), as PuzzleLib's RMSPropGraves. For every parameter w with gradient
 * g = dE/dw, in float32, each operation rounded, in this order on every device:
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
export class RMSPropGraves extends Optimizer {
  protected readonly stateNames = ["mg", "ms", "delta"] as const;
  protected readonly optimizerName = "RMSPropGraves";
  readonly nodeinfo: NodeInfo | null;
  private alphaValue: number;
  private momRateValue: number;
  private epsilonValue: number;

  constructor(options: RMSPropGravesOptions = {}) {
    const h = checkHyperParameters(options, "RMSPropGraves", ["nodeinfo", "nonFinite", "snapshotEvery"]);
    super(h.learnRate);
    if (options?.nonFinite !== undefined) this.nonFinite = options.nonFinite;
    if (options?.snapshotEvery !== undefined) this.snapshotEvery = options.snapshotEvery;
    this.alphaValue = h.alpha;
    this.momRateValue = h.momRate;
    this.epsilonValue = h.epsilon;
    const nodeinfo = options?.nodeinfo ?? null;
    if (nodeinfo !== null && !(nodeinfo instanceof NodeInfo)) {
      throw new InvalidArgumentError(`RMSPropGraves: nodeinfo is ${describe(nodeinfo)}; expected the NodeInfo of ` +
        "joinNodes() (or none)");
    }
    this.nodeinfo = nodeinfo;
  }

  get alpha(): number {
    return this.alphaValue;
  }
  set alpha(value: number) {
    this.alphaValue = checkHyperParameter("alpha", value);
  }
  get momRate(): number {
    return this.momRateValue;
  }
  set momRate(value: number) {
    this.momRateValue = checkHyperParameter("momRate", value);
  }
  get epsilon(): number {
    return this.epsilonValue;
  }
  set epsilon(value: number) {
    this.epsilonValue = checkHyperParameter("epsilon", value);
  }

  /** The hyper-parameters in force. */
  get hyperParameters(): GravesHyperParameters {
    return { learnRate: this.learnRate, alpha: this.alpha, momRate: this.momRate, epsilon: this.epsilon };
  }

  override getAttrDict(): Record<string, number> {
    return { ...super.getAttrDict(), alpha: this.alpha, momRate: this.momRate, epsilon: this.epsilon };
  }

  protected override applyAttrs(attrs: Record<string, number>): void {
    super.applyAttrs(attrs);
    this.alpha = attrs.alpha;
    this.momRate = attrs.momRate;
    this.epsilon = attrs.epsilon;
  }

  protected step({ param, grad, state, runs }: UpdateRange): void {
    const h = this.hyperParameters;
    const [first] = runs;
    const scalars = gravesScalars(h, first.learnRateScale, first.momRateScale);
    const segments = runs.length === 1 ? undefined : runs.map(({ end, learnRateScale, momRateScale }) => {
      const { learnRate, momRate } = gravesScalars(h, learnRateScale, momRateScale);
      return { end, learnRate, momRate };
    });
    param.device.rmspropGraves(param, grad, state.mg, state.ms, state.delta, scalars, segments);
  }
}

export { GRAVES_DEFAULTS };
