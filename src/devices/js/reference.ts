// The js device's kernels as plain functions over Float32Arrays, for users' own
// conformance checks: the exact float32 semantics every device reproduces.
import type { SubnormalMode } from "../../runtime/Device.js";
import { DEFINITIONS, type ElementwiseName } from "../../kernels/index.js";
import { allArrays } from "../../kernels/vocabulary.js";
import { InvalidArgumentError, describe } from "../../errors.js";
import { expf as exp, kernels, logf as log, sigmoidf as sigmoid, tanhf as tanh } from "./kernels.generated.js";
import { rounding } from "./rounding.js";

export { matmul } from "./matmul.js";
export { columnSums } from "./columnSums.js";
export { mseError } from "./mse.js";

/**
 * Elementwise kernel `name` (see src/kernels/ and docs/development.md) over
 * Float32Arrays of one length, in place: `arrays` by the definition's names, `scalars`
 * by name (rounded to float32 first, as the devices get them).
 */
export function elementwise(name: ElementwiseName, arrays: Record<string, Float32Array>,
  scalars: Record<string, number> = {}, subnormals: SubnormalMode = "keep"): void {
  const definition = DEFINITIONS[name];
  if (!definition) throw new InvalidArgumentError(`no elementwise kernel ${describe(name)}; expected one of ${Object.keys(DEFINITIONS).join(", ")}`);
  kernels[name](allArrays(definition).map((a) => arrays[a]), definition.scalars.map((s) => Math.fround(scalars[s])), rounding(subnormals));
}

/** e^x in float32, the formula of every device (src/kernels/math.ts). */
export const expf = (x: number, subnormals: SubnormalMode = "keep"): number => exp(rounding(subnormals)(x), rounding(subnormals));
/** The natural logarithm in float32, the formula of every device. */
export const logf = (x: number, subnormals: SubnormalMode = "keep"): number => log(rounding(subnormals)(x), rounding(subnormals));
/** tanh in float32, the formula of every device. */
export const tanhf = (x: number, subnormals: SubnormalMode = "keep"): number => tanh(rounding(subnormals)(x), rounding(subnormals));
/** sigmoid in float32, the formula of every device. */
export const sigmoidf = (x: number, subnormals: SubnormalMode = "keep"): number => sigmoid(rounding(subnormals)(x), rounding(subnormals));
