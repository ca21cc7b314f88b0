import { reuseArray, type DeviceArray } from "../runtime/DeviceArray.js";
import type { Device } from "../runtime/Device.js";
import { InvalidArgumentError, StateFormatError, describe } from "../errors.js";
import { saveIsAsync } from "../runtime/asyncOnly.js";
import { Variable } from "../Variable.js";
import { decodeSafetensors, encodeSafetensors, type Tensor } from "../optimizers/safetensors.js";
import { Node } from "./Node.js";

/** The `format` metadata of weights files. */
const WEIGHTS_FORMAT = "portable-optim.weights.v1";

/** Options of `module.backward(grad, options)`. */
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

  /**
   * Arrays the module keeps beside its variables (PuzzleLib's setAttr: BatchNorm2D's
   * running mean and variance): saved and loaded with the weights, never touched by an
   * optimizer.
   */
  protected readonly attrs = new Map<string, DeviceArray>();

  /** PuzzleLib's mode flag: true in training (the default), false after evalMode(); Dropout reads it. */
  train = true;

  /**
   * This module as a node of a Graph, taking the outputs of `parents` (PuzzleLib's
   * node()): none for an input of the graph, several for a module that merges inputs
   * (Add). A module is one node of one graph.
   */
  node(...parents: Node[]): Node {
    const bad = parents.findIndex((parent) => !(parent instanceof Node));
    if (bad >= 0) {
      throw new InvalidArgumentError(`${this.constructor.name}.node(): parent ${bad} is ${describe(parents[bad])}; expected a Node ` +
        "(what module.node() returns)");
    }
    return new Node(this, parents);
  }

  /** Training mode (PuzzleLib's trainMode()): Dropout drops. Containers set it on every module they hold. */
  trainMode(): this {
    this.train = true;
    return this;
  }

  /** Evaluation mode (PuzzleLib's evalMode()): Dropout passes its input through. */
  evalMode(): this {
    this.train = false;
    return this;
  }

  /** The output for `data` (kept for backward()). */
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

  /** The module's attributes by name (a container's as `index.name`). */
  getAttrTable(): Map<string, DeviceArray> {
    return new Map(this.attrs);
  }

  /** The variable named `name` (as getVarTable() names it); an InvalidArgumentError listing the names otherwise. */
  getVar(name: string): Variable {
    const variable = this.vars.get(name);
    if (!variable) throw this.unknownVar(name);
    return variable;
  }

  /** Replaces the variable named `name` with `variable` of the same shape (shared weights, PuzzleLib's setVar). */
  setVar(name: string, variable: Variable): void {
    if (!this.vars.has(name)) throw this.unknownVar(name);
    if (!(variable instanceof Variable)) {
      throw new InvalidArgumentError(`setVar(${describe(name)}) got ${describe(variable)}; expected a Variable`);
    }
    this.vars.set(name, variable);
  }

  /**
   * The weights as a safetensors file: one float32 tensor per variable, named by its
   * first name in getVarTable() (`0.W`, `0.b`, ...), and one per attribute (a
   * BatchNorm2D's `1.mean`, `1.var`), each with its shape, which Python's
   * `safetensors` (and PyTorch through it) reads. Any device but webgpu, whose arrays
   * read back only asynchronously (a SyncReadError there: use saveAsync()); load() on any other.
   */
  save(): Uint8Array {
    const arrays = this.savedArrays();
    if (arrays[0]?.[1].device.readsBackAsync) throw saveIsAsync("Module", arrays[0][1].device);
    return this.encodeWeights(arrays, arrays.map(([, array]) => array.get()));
  }

  /**
   * save() on any device, webgpu included: the same bytes, read back asynchronously. The
   * weights are the ones the module holds when it is called (later steps do not change them).
   */
  async saveAsync(): Promise<Uint8Array> {
    const arrays = this.savedArrays();
    return this.encodeWeights(arrays, await Promise.all(arrays.map(([, array]) => array.read())));
  }

  private encodeWeights(arrays: [string, DeviceArray][], values: Float32Array[]): Uint8Array {
    const tensors = new Map<string, Tensor>();
    arrays.forEach(([name, array], i) => tensors.set(name, { shape: array.shape, data: values[i] }));
    return encodeSafetensors(tensors, { format: WEIGHTS_FORMAT });
  }

  /**
   * Sets every variable and attribute from what save() wrote (on any device). The whole file is checked
   * first (format, names, shapes, dtypes); a StateFormatError names the problem and no
   * weight changes.
   */
  load(bytes: Uint8Array): void {
    const { tensors, metadata } = decodeSafetensors(bytes);
    if (metadata.format !== WEIGHTS_FORMAT) {
      throw new StateFormatError(`saved format is ${describe(metadata.format)}; expected ${describe(WEIGHTS_FORMAT)} ` +
        "(weights from Module.save(); optimizer state loads with optimizer.load())");
    }
    const table = this.savedArrays();
    const names = table.map(([name]) => name);
    const missing = names.filter((name) => !tensors.has(name));
    const extra = [...tensors.keys()].filter((name) => !names.includes(name));
    if (missing.length || extra.length) {
      throw new StateFormatError("the saved weights belong to another net: " +
        [missing.length ? `missing ${missing.map(describe).join(", ")}` : "",
          extra.length ? `unknown ${extra.map(describe).join(", ")}` : ""].filter(Boolean).join("; "));
    }
    for (const [name, array] of table) {
      const { shape } = tensors.get(name)!;
      const expected = array.shape;
      if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
        throw new StateFormatError(`saved ${describe(name)} has shape ${describe([...shape])}; this module's is ` +
          describe([...expected]));
      }
    }
    for (const [name, array] of table) array.set(tensors.get(name)!.data);
  }

  /** What save() writes: each variable's data by its first name, then the attributes. */
  private savedArrays(): [string, DeviceArray][] {
    return [...[...this.getVarTable()].map(([variable, [name]]): [string, DeviceArray] => [name, variable.data]),
      ...this.getAttrTable()];
  }

  /** Frees the variables and every array the module made. */
  dispose(): void {
    for (const variable of this.getVarTable().keys()) variable.dispose();
    for (const array of this.attrs.values()) array.dispose();
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
