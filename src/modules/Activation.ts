import type { DeviceArray } from "../runtime/DeviceArray.js";
import { checkArrays, checkShape } from "../runtime/checks.js";
import { runElementwise } from "../runtime/kernels.js";
import { InvalidArgumentError, NotReadyError, describe } from "../errors.js";
import { Module, updGradOf, type BackwardOptions } from "./Module.js";

/** The activations: each is a kernel `kind` and its gradient `${kind}Backward` (src/kernels/activations.ts). */
export type ActivationKind = "relu" | "tanh" | "sigmoid";

/** max(x, 0): `new Activation(relu)`. */
export const relu: ActivationKind = "relu";
/** The hyperbolic tangent: `new Activation(tanh)`. */
export const tanh: ActivationKind = "tanh";
/** 1 / (1 + exp(-x)): `new Activation(sigmoid)`. */
export const sigmoid: ActivationKind = "sigmoid";

const KINDS: readonly ActivationKind[] = [relu, tanh, sigmoid];

/** y = f(x) elementwise, for f one of relu, tanh, sigmoid (the same float32 formulas on every device). */
export class Activation extends Module {
  private result: DeviceArray | null = null;

  constructor(
    /** The activation function. */
    readonly kind: ActivationKind) {
    super();
    if (!KINDS.includes(kind)) {
      throw new InvalidArgumentError(`activation ${describe(kind)}; expected one of ${KINDS.map(describe).join(", ")}`);
    }
  }

  /** The activation applied to every element. */
  forward(data: DeviceArray): DeviceArray {
    const [x] = checkArrays("Activation.forward", { data });
    const y = this.output("y", x.device, x.shape);
    runElementwise(this.kind, { x, y });
    this.result = y;
    return y;
  }

  backward(grad: DeviceArray, options?: BackwardOptions): DeviceArray | null {
    const updGrad = updGradOf("Activation.backward", options);
    if (!this.result) throw new NotReadyError("Activation.backward before forward");
    const [dy, y] = checkArrays("Activation.backward", { grad, output: this.result });
    checkShape("Activation.backward", "grad", dy.shape, y.shape);
    if (!updGrad) return null;
    const dx = this.output("dx", y.device, y.shape);
    runElementwise(`${this.kind}Backward`, { y, dy, dx });
    return dx;
  }
}
