import { InvalidArgumentError, describe } from "../errors.js";
import type { Variable } from "../Variable.js";
import { runElementwise } from "../runtime/kernels.js";
import type { OptimizerHook } from "./Optimizer.js";

/**
 * L2 weight decay as an optimizer hook (PuzzleLib's WeightDecay): before each update
 * grad = grad + (rate * variable.wc) * w, with rate * wc rounded to float32 on the
 * host. `Variable.wc` is 1 for Linear's W and 0 for its bias b.
 */
export class WeightDecay implements OptimizerHook {
  constructor(
    /** The decay rate. */
    readonly rate: number) {
    if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0) {
      throw new InvalidArgumentError(`WeightDecay rate is ${describe(rate)}; expected a finite number >= 0`);
    }
  }

  /** Adds rate * w to the variable's gradient (times its `wc`). */
  apply(variable: Variable, name: string): void {
    const { wc } = variable;
    if (typeof wc !== "number" || !Number.isFinite(wc) || wc < 0) {
      throw new InvalidArgumentError(`variable ${describe(name)} has wc ${describe(wc)}; expected a finite number >= 0`);
    }
    const scale = Math.fround(Math.fround(this.rate) * Math.fround(wc));
    if (scale !== 0) runElementwise("addScaled", { x: variable.data, y: variable.grad }, { scale });
  }
}
