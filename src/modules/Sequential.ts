import type { DeviceArray } from "../runtime/DeviceArray.js";
import { InvalidArgumentError, describe } from "../errors.js";
import { Module, updGradOf, type BackwardOptions } from "./Module.js";
import { Container } from "./Container.js";

/** Modules applied in order; variables are named by index and the child's name: `0.W`, `2.b`. */
export class Sequential extends Container {
  /** The children, in the order forward() runs them. */
  readonly modules: readonly Module[];

  constructor(modules: readonly Module[]) {
    super();
    if (!Array.isArray(modules) || modules.some((m) => !(m instanceof Module))) {
      throw new InvalidArgumentError(`Sequential got ${describe(modules)}; expected an array of modules`);
    }
    this.modules = [...modules];
  }

  protected get children(): readonly Module[] {
    return this.modules;
  }

  /** The data through every child in order. */
  forward(data: DeviceArray): DeviceArray {
    return this.modules.reduce((x, module) => module.forward(x), data);
  }

  /** Back through the modules in reverse; `updGrad` applies to the first module only, as in PuzzleLib. */
  backward(grad: DeviceArray, options?: BackwardOptions): DeviceArray | null {
    const updGrad = updGradOf("Sequential.backward", options);
    let g: DeviceArray | null = grad;
    for (let i = this.modules.length - 1; i >= 0; i--) {
      g = this.modules[i].backward(g!, { updGrad: i > 0 || updGrad });
    }
    return g;
  }
}
