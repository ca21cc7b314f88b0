import type { DeviceArray } from "../runtime/DeviceArray.js";
import { InvalidArgumentError, describe } from "../errors.js";
import type { Variable } from "../Variable.js";
import { Module, updGradOf, type BackwardOptions } from "./Module.js";

/** Modules applied in order; variables are named by index and the child's name: `0.W`, `2.b`. */
export class Sequential extends Module {
  readonly modules: readonly Module[];

  constructor(modules: readonly Module[]) {
    super();
    if (!Array.isArray(modules) || modules.some((m) => !(m instanceof Module))) {
      throw new InvalidArgumentError(`Sequential got ${describe(modules)}; expected an array of modules`);
    }
    this.modules = [...modules];
  }

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

  override trainMode(): this {
    for (const module of this.modules) module.trainMode();
    return super.trainMode();
  }

  override evalMode(): this {
    for (const module of this.modules) module.evalMode();
    return super.evalMode();
  }

  override getVarTable(): Map<Variable, string[]> {
    const table = new Map<Variable, string[]>();
    this.modules.forEach((module, index) => {
      for (const [variable, names] of module.getVarTable()) {
        const prefixed = names.map((name) => `${index}.${name}`);
        table.set(variable, [...(table.get(variable) ?? []), ...prefixed]);
      }
    });
    return table;
  }

  override getVar(name: string): Variable {
    const [child, rest] = this.split(name);
    return child.getVar(rest);
  }

  override setVar(name: string, variable: Variable): void {
    const [child, rest] = this.split(name);
    child.setVar(rest, variable);
  }

  override dispose(): void {
    for (const module of this.modules) module.dispose();
  }

  private split(name: string): [Module, string] {
    const dot = typeof name === "string" ? name.indexOf(".") : -1;
    const child = dot > 0 ? this.modules[Number(name.slice(0, dot))] : undefined;
    if (!child) throw this.unknownVar(name);
    return [child, name.slice(dot + 1)];
  }
}
