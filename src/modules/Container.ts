import type { Variable } from "../Variable.js";
import type { DeviceArray } from "../runtime/DeviceArray.js";
import { Module } from "./Module.js";

/**
 * A module made of modules (PuzzleLib's Container): Sequential and Graph. Its children's
 * variables are named by the child's index and their own name (`0.W`, `2.b`), and the
 * modes and dispose() reach every child.
 */
export abstract class Container extends Module {
  /** The children in their order: the index in their variables' names. */
  protected abstract readonly children: readonly Module[];

  override trainMode(): this {
    for (const module of this.children) module.trainMode();
    return super.trainMode();
  }

  override evalMode(): this {
    for (const module of this.children) module.evalMode();
    return super.evalMode();
  }

  override getVarTable(): Map<Variable, string[]> {
    const table = new Map<Variable, string[]>();
    this.children.forEach((module, index) => {
      for (const [variable, names] of module.getVarTable()) {
        table.set(variable, [...(table.get(variable) ?? []), ...names.map((name) => `${index}.${name}`)]);
      }
    });
    return table;
  }

  override getAttrTable(): Map<string, DeviceArray> {
    const table = new Map<string, DeviceArray>();
    this.children.forEach((module, index) => {
      for (const [name, array] of module.getAttrTable()) table.set(`${index}.${name}`, array);
    });
    return table;
  }

  /** The variable `name`, a child's index then its own name (`0.W`). */
  override getVar(name: string): Variable {
    const [child, rest] = this.split(name);
    return child.getVar(rest);
  }

  /** Replaces the variable `name` (`0.W`) in the child that has it. */
  override setVar(name: string, variable: Variable): void {
    const [child, rest] = this.split(name);
    child.setVar(rest, variable);
  }

  override dispose(): void {
    for (const module of this.children) module.dispose();
    super.dispose();
  }

  private split(name: string): [Module, string] {
    const dot = typeof name === "string" ? name.indexOf(".") : -1;
    const child = dot > 0 ? this.children[Number(name.slice(0, dot))] : undefined;
    if (!child) throw this.unknownVar(name);
    return [child, name.slice(dot + 1)];
  }
}
