import { DeviceArray } from "../device/DeviceArray.js";
import type { Device } from "../device/Device.js";
import { checkArrays } from "../device/checks.js";
import { InvalidArgumentError, NotReadyError, describe } from "../errors.js";
import { Module } from "../modules/Module.js";
import type { Variable } from "../Variable.js";
import { checkHyperParameter } from "./hyperParameters.js";

export interface SetupOptions {
  /**
   * Keep all parameters in one flat array and all gradients in another; the
   * module's variables become views into them and one update() is one kernel call.
   */
  useGlobalState?: boolean;
}

/** The optimizer's per-parameter state arrays, by name (mg, ms, delta for RMSPropGraves). */
export type OptimizerState = Record<string, DeviceArray>;

/** What the optimizer tracks of one variable. */
interface Slot {
  variable: Variable;
  names: string[];
  /** The arrays the variable held at setup; a variable whose arrays were swapped since is refused. */
  data: DeviceArray;
  grad: DeviceArray;
  state: OptimizerState;
}

/** A run of parameters updated by one kernel call: one flat range, one pair of multipliers. */
export interface UpdateRange {
  param: DeviceArray;
  grad: DeviceArray;
  state: OptimizerState;
  learnRateScale: number;
  momRateScale: number;
}

/** PuzzleLib's Optimizer: set up on a module, zero its gradients, update its variables. */
export abstract class Optimizer {
  /** Number of update() calls so far. */
  t = 0;
  private learnRateValue: number;
  private slots: Slot[] | null = null;
  private module: Module | null = null;
  private global: { param: DeviceArray; grad: DeviceArray; state: OptimizerState } | null = null;
  private device: Device | null = null;

  protected constructor(learnRate: number) {
    this.learnRateValue = checkHyperParameter("learnRate", learnRate);
  }

  get learnRate(): number {
    return this.learnRateValue;
  }

  set learnRate(value: number) {
    this.learnRateValue = checkHyperParameter("learnRate", value);
  }

  /** Names of the state arrays every parameter gets, all zero at setup. */
  protected abstract readonly stateNames: readonly string[];

  /** One step over one range of parameters. */
  protected abstract step(range: UpdateRange): void;

  setupOn(module: Module, { useGlobalState = false }: SetupOptions = {}): void {
    if (this.slots) {
      throw new NotReadyError("setupOn() was already called on this optimizer; create a new optimizer for another module");
    }
    if (!(module instanceof Module)) {
      throw new InvalidArgumentError(`setupOn() got ${describe(module)}; expected a Module`);
    }
    const table = module.getVarTable();
    if (table.size === 0) {
      throw new InvalidArgumentError("setupOn() got a module with no variables; expected at least one to train");
    }
    const arrays: Record<string, unknown> = {};
    for (const [variable, names] of table) {
      arrays[names[0]] = variable.data;
      arrays[`${names[0]}.grad`] = variable.grad;
    }
    const device = checkArrays("setupOn", arrays)[0].device;
    this.device = device;
    this.module = module;
    this.slots = useGlobalState ? this.setupGlobal(device, table) : [...table].map(([variable, names]) => ({
      variable, names, data: variable.data, grad: variable.grad, state: this.allocateState(device, variable.data.shape),
    }));
  }

  private allocateState(device: Device, shape: readonly number[]): OptimizerState {
    return Object.fromEntries(this.stateNames.map((name) => [name, DeviceArray.allocate(device, shape)]));
  }

  /** Moves every variable into two flat arrays and makes its data and grad views of them. */
  private setupGlobal(device: Device, table: Map<Variable, string[]>): Slot[] {
    let total = 0;
    for (const variable of table.keys()) total += variable.data.size;
    const param = DeviceArray.allocate(device, [total]);
    const grad = DeviceArray.allocate(device, [total]);
    const state = this.allocateState(device, [total]);
    this.global = { param, grad, state };
    const slots: Slot[] = [];
    let offset = 0;
    for (const [variable, names] of table) {
      const { shape, size } = variable.data;
      const view = param.view(offset, shape);
      device.copy(variable.data, view);
      variable.data.dispose();
      variable.grad.dispose();
      variable.data = view;
      variable.grad = grad.view(offset, shape);
      const slotState = Object.fromEntries(Object.entries(state).map(([name, a]) => [name, a.view(offset, shape)]));
      slots.push({ variable, names, data: variable.data, grad: variable.grad, state: slotState });
      offset += size;
    }
    return slots;
  }

  private ready(operation: string): Slot[] {
    if (!this.slots) throw new NotReadyError(`${operation} before setupOn(): the optimizer has no variables yet`);
    for (const slot of this.slots) {
      const { variable, names } = slot;
      if (this.module!.getVar(names[0]) !== variable) {
        throw new InvalidArgumentError(`${operation}: variable ${describe(names[0])} was replaced in the module ` +
          "after setupOn(); expected the variables the optimizer was set up with");
      }
      if (variable.data !== slot.data || variable.grad !== slot.grad) {
        throw new InvalidArgumentError(`${operation}: variable ${describe(names[0])} holds other arrays than at ` +
          "setupOn(); expected its data and grad to stay the arrays the optimizer was set up with");
      }
      checkArrays(operation, { [names[0]]: slot.data, [`${names[0]}.grad`]: slot.grad, ...slot.state });
    }
    return this.slots;
  }

  /** Sets every gradient to zero (one fill with global state). */
  zeroGradParams(): void {
    const slots = this.ready("zeroGradParams()");
    if (this.global) this.device!.fill(this.global.grad, 0);
    else for (const slot of slots) this.device!.fill(slot.grad, 0);
  }

  /**
   * One optimization step of every variable. With global state, variables whose
   * multipliers match their neighbours' share one kernel call: one call in all when
   * no variable sets learnRate or momRate.
   */
  update(): void {
    const slots = this.ready("update()");
    for (const { variable, names } of slots) {
      for (const key of ["learnRate", "momRate"] as const) {
        const value = variable[key];
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
          throw new InvalidArgumentError(`variable ${describe(names[0])} has ${key} ${describe(value)}; expected a finite number >= 0`);
        }
      }
    }
    for (const range of this.global ? this.globalRanges(slots) : slots.map(slotRange)) this.step(range);
    this.t += 1;
  }

  private globalRanges(slots: Slot[]): UpdateRange[] {
    const { param, grad, state } = this.global!;
    const ranges: UpdateRange[] = [];
    let start = 0;
    for (let i = 0; i < slots.length; i++) {
      const { learnRate, momRate } = slots[i].variable;
      const next = slots[i + 1]?.variable;
      if (next && next.learnRate === learnRate && next.momRate === momRate) continue;
      const end = slots[i].data.offset - param.offset + slots[i].data.size;
      const sub = (a: DeviceArray) => a.view(start, [end - start]);
      ranges.push({
        param: sub(param), grad: sub(grad), learnRateScale: learnRate, momRateScale: momRate,
        state: Object.fromEntries(Object.entries(state).map(([name, a]) => [name, sub(a)])),
      });
      start = end;
    }
    return ranges;
  }

  /** The state arrays of the variable named `name` (any of its names). */
  getState(name: string): OptimizerState {
    const slot = this.ready("getState()").find((s) => s.names.includes(name));
    if (!slot) throw new InvalidArgumentError(`getState(): no variable named ${describe(name)} in the module set up on`);
    return slot.state;
  }

  getAttrDict(): Record<string, number> {
    return { t: this.t, learnRate: this.learnRate };
  }

  /** Frees the optimizer's state and, with global state, the flat parameter and gradient arrays. */
  dispose(): void {
    for (const slot of this.slots ?? []) for (const array of Object.values(slot.state)) array.dispose();
    if (this.global) {
      for (const array of [this.global.param, this.global.grad, ...Object.values(this.global.state)]) array.dispose();
    }
    this.slots = null;
    this.global = null;
    this.module = null;
  }
}

function slotRange({ data, grad, state, variable }: Slot): UpdateRange {
  return { param: data, grad, state, learnRateScale: variable.learnRate, momRateScale: variable.momRate };
}

