import { reuseArray, type DeviceArray } from "../device/DeviceArray.js";
import type { Device } from "../device/Device.js";
import { InvalidArgumentError, describe } from "../errors.js";
import { Variable } from "../Variable.js";

export interface BackwardOptions {
  /**
   * Compute dE/d(input) (default true). PuzzleLib's `updGrad=False`: the first layer
   * of a net has no use for it, and skipping it saves a third of a Linear layer's
   * backward work; backward() then returns null.
   */
  updGrad?: boolean;
}

/** Checks backward()'s options and returns updGrad. */
export function updGradOf(operation: string, options: BackwardOptions | undefined): boolean {
  if (options === undefined) return true;
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError(`${operation} got options ${describe(options)}; expected an object such as { updGrad: false }`);
  }
  const { updGrad = true } = options;
  if (typeof updGrad !== "boolean") {
    throw new InvalidArgumentError(`${operation} got updGrad ${describe(updGrad)}; expected true or false`);
  }
  return updGrad;
}

/** A layer or a network (PuzzleLib's Module): forward, backward, and named variables. */
export abstract class Module {
  /** The module's own variables by name (containers hold none of their own). */
  protected readonly vars = new Map<string, Variable>();

  abstract forward(data: DeviceArray): DeviceArray;

  /**
   * Given dE/d(output), stores dE/d(variable) in each variable's grad and returns
   * dE/d(input), or null with `{ updGrad: false }`.
   */
  abstract backward(grad: DeviceArray, options?: BackwardOptions): DeviceArray | null;

  /** Every variable with all its names; a shared variable has several (as in PuzzleLib). */
  getVarTable(): Map<Variable, string[]> {
    const table = new Map<Variable, string[]>();
    for (const [name, variable] of this.vars) {
      const names = table.get(variable);
      if (names) names.push(name);
      else table.set(variable, [name]);
    }
    return table;
  }

  getVar(name: string): Variable {
    const variable = this.vars.get(name);
    if (!variable) throw this.unknownVar(name);
    return variable;
  }

  setVar(name: string, variable: Variable): void {
    if (!this.vars.has(name)) throw this.unknownVar(name);
    if (!(variable instanceof Variable)) {
      throw new InvalidArgumentError(`setVar(${describe(name)}) got ${describe(variable)}; expected a Variable`);
    }
    this.vars.set(name, variable);
  }

  /** Frees the variables and every array the module made. */
  dispose(): void {
    for (const variable of this.getVarTable().keys()) variable.dispose();
    for (const array of this.outputs.values()) array.dispose();
    this.outputs.clear();
  }

  protected unknownVar(name: string): InvalidArgumentError {
    const names = [...this.getVarTable().values()].flat();
    return new InvalidArgumentError(`no variable named ${describe(name)}; this module has ${names.length ? names.map(describe).join(", ") : "none"}`);
  }

  private readonly outputs = new Map<string, DeviceArray>();

  /** An array for a result, reused from the previous call while the shape stays the same. */
  protected output(slot: string, device: Device, shape: readonly number[]): DeviceArray {
    const array = reuseArray(this.outputs.get(slot), device, shape);
    this.outputs.set(slot, array);
    return array;
  }
}
