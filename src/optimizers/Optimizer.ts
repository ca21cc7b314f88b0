import { DeviceArray } from "../runtime/DeviceArray.js";
import type { Device, Segments } from "../runtime/Device.js";
import { checkArrays } from "../runtime/checks.js";
import { saveIsAsync } from "../runtime/asyncOnly.js";
import { Trace, traceFromEnvironment } from "../trace.js";
import { kernel, requireKernels, runElementwise } from "../runtime/kernels.js";
import type { ElementwiseName } from "../kernels/index.js";
import {
  InvalidArgumentError, NonFiniteGradientError, NotReadyError, StateFormatError, describe,
} from "../errors.js";
import { NodeInfo } from "../workers/nodeinfo.js";
import { Module } from "../modules/Module.js";
import type { Variable } from "../Variable.js";
import { checkOptions, checkValue, type Schema } from "./schema.js";
import { decodeSafetensors, encodeSafetensors, type Tensor } from "./safetensors.js";

/** Options of `optimizer.setupOn(module, options)`. */
export interface SetupOptions {
  /**
   * Keep all parameters in one flat array and all gradients in another; the
   * module's variables become views into them and one update() is one kernel call.
   */
  useGlobalState?: boolean;
}

/** What update() does when a gradient holds NaN or ±Infinity. */
export type NonFinitePolicy = "throw" | "skip" | "off";
const NON_FINITE_POLICIES: readonly NonFinitePolicy[] = ["throw", "skip", "off"];

/** Runs on every variable's gradient before each update (PuzzleLib's optimizer hooks). */
export interface OptimizerHook {
  /** Called by update() for every variable before the step, with its first name; may change the gradient in place. */
  apply(variable: Variable, name: string): void;
}

/** The optimizer's per-parameter state arrays, by name (mg, ms, delta for RMSPropGraves). */
export type OptimizerState = Record<string, DeviceArray>;

/** The options every optimizer takes besides its hyper-parameters. */
export interface OptimizerOptions {
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

const OPTION_KEYS = ["nodeinfo", "nonFinite", "snapshotEvery"] as const;

/**
 * What makes an optimizer: all a new one writes (see RMSPropGraves). The constructor,
 * the setters, getAttrDict(), save() and load() all work from it.
 */
export interface OptimizerSpec<H extends string> {
  /** The name in saved state: written out, since minifiers rename classes. */
  readonly name: string;
  readonly hyperParameters: Schema<H>;
  /**
   * The state arrays every parameter gets, with the value they start at (0 for most):
   * the kernel's arrays besides param and grad.
   */
  readonly state: Readonly<Record<string, number>>;
  /** The elementwise kernel of one step (src/kernels/), over param, grad and the state arrays. */
  readonly kernel: ElementwiseName;
  /**
   * The kernel's scalars for step `t` (1 for the first) of a variable with multipliers
   * learnRateScale and momRateScale (Variable.learnRate, momRate), computed on the host
   * with the four operations and Math.sqrt only: the same bits in every engine.
   */
  scalars(h: Readonly<Record<H, number>>, learnRateScale: number, momRateScale: number, t: number): Record<string, number>;
}

/** What the optimizer tracks of one variable. */
interface Slot {
  variable: Variable;
  names: string[];
  /** The arrays the variable held at setup; a variable whose arrays were swapped since is refused. */
  data: DeviceArray;
  grad: DeviceArray;
  state: OptimizerState;
  /** data, grad and state by the names errors give them, for ready()'s check (built once: it runs every step). */
  named: Record<string, DeviceArray>;
  /** The layout of data, grad and state: one matrix (see Segments). */
  segments: Segments;
}

/** The rows of an array of `shape` as a matrix: its first dimension (a vector is one row). */
const rowsOf = (shape: readonly number[]) => (shape.length > 1 ? shape[0] : 1);

function slotOf(variable: Variable, names: string[], state: OptimizerState): Slot {
  const { data, grad } = variable;
  return { variable, names, data, grad, state, named: { [names[0]]: data, [`${names[0]}.grad`]: grad, ...state },
    segments: [{ end: data.size, rows: rowsOf(data.shape) }] };
}

/**
 * Parameters updated by one kernel call. `runs` splits them into consecutive runs
 * with their own multipliers (`end` counted from the range's start); one run when
 * every variable in the range has the same.
 */
export interface UpdateRange {
  param: DeviceArray;
  grad: DeviceArray;
  state: OptimizerState;
  runs: { end: number; learnRateScale: number; momRateScale: number }[];
  /** The layout of the range's arrays (see Segments). */
  segments: Segments;
}

const FORMAT = "portable-optim/1";

/** Alignment of each variable in global state, in elements. */
const ALIGN = 4;

/**
 * PuzzleLib's Optimizer: set up on a module, zero its gradients, update its variables.
 * Each hyper-parameter of the spec is a property with a checked setter.
 */
export abstract class Optimizer<H extends string = string> {
  /** Number of update() calls that changed the weights. */
  t = 0;
  /** Number of update() calls skipped for non-finite gradients (nonFinite "skip"). */
  skippedSteps = 0;
  /** The node group this optimizer is data-parallel over (see OptimizerOptions.nodeinfo), or null. */
  readonly nodeinfo: NodeInfo | null;
  private readonly values: Record<H, number>;
  private nonFiniteValue: NonFinitePolicy = "throw";
  private readonly hooks: OptimizerHook[] = [];
  private slots: Slot[] | null = null;
  private module: Module | null = null;
  private global: { param: DeviceArray; grad: DeviceArray; state: OptimizerState; segments: Segments } | null = null;
  private device: Device | null = null;
  private snapshotEveryValue = 10;
  /** t at the last snapshot: where a restored device resumes. */
  private snapshotT = 0;
  private stopListening: (() => void) | null = null;
  private tracer: Trace | null = null;

  /** @internal Each optimizer of the family passes its kernel and hyper-parameter schema. */
  protected constructor(private readonly spec: OptimizerSpec<H>, options: Partial<Record<H, number>> & OptimizerOptions = {}) {
    this.values = checkOptions(spec.hyperParameters, options, spec.name, OPTION_KEYS);
    for (const name of Object.keys(spec.hyperParameters) as H[]) {
      Object.defineProperty(this, name, {
        get: () => this.values[name],
        set: (value: number) => (this.values[name] = checkValue(spec.hyperParameters, name, value)),
        enumerable: true,
      });
    }
    if (options?.nonFinite !== undefined) this.nonFinite = options.nonFinite;
    if (options?.snapshotEvery !== undefined) this.snapshotEvery = options.snapshotEvery;
    const nodeinfo = options?.nodeinfo ?? null;
    if (nodeinfo !== null && !(nodeinfo instanceof NodeInfo)) {
      throw new InvalidArgumentError(`${spec.name}: nodeinfo is ${describe(nodeinfo)}; expected the NodeInfo of ` +
        "joinNodes() (or none)");
    }
    this.nodeinfo = nodeinfo;
  }

  /** The hyper-parameters in force, by name. */
  get hyperParameters(): Record<H, number> {
    return { ...this.values };
  }

  /**
   * What update() does when a gradient holds NaN or ±Infinity: "throw" (default) a
   * NonFiniteGradientError naming the variables, "skip" the step (update() returns
   * false), or "off" (no check: the values go into the weights).
   */
  get nonFinite(): NonFinitePolicy {
    return this.nonFiniteValue;
  }

  /** Sets the policy; anything but "throw", "skip" or "off" is an InvalidArgumentError. */
  set nonFinite(value: NonFinitePolicy) {
    if (!NON_FINITE_POLICIES.includes(value)) {
      throw new InvalidArgumentError(`nonFinite is ${describe(value)}; expected one of ${NON_FINITE_POLICIES.map(describe).join(", ")}`);
    }
    this.nonFiniteValue = value;
  }

  /**
   * On a device that can lose its memory (webgl2: a lost WebGL context), update()
   * keeps a host copy of the weights and the optimizer state every `snapshotEvery`
   * steps (default 10). After the context is restored, weights, state and t are
   * those of the last snapshot, consistent with each other, and training goes on
   * from there; with 1 no step is ever lost, at the price of a read-back per step.
   */
  get snapshotEvery(): number {
    return this.snapshotEveryValue;
  }

  /** Sets the interval; anything but a positive integer is an InvalidArgumentError. */
  set snapshotEvery(value: number) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new InvalidArgumentError(`snapshotEvery is ${describe(value)}; expected a positive integer`);
    }
    this.snapshotEveryValue = value;
  }

  /** Takes a snapshot now (see snapshotEvery); a no-op on devices that cannot lose memory. */
  snapshot(): void {
    this.takeSnapshot(this.ready("snapshot()"));
  }

  private takeSnapshot(slots: Slot[]): void {
    if (!this.device!.snapshot) return;
    this.device!.snapshot(slots.flatMap((slot) => [slot.data, ...Object.values(slot.state)]));
    this.snapshotT = this.t;
  }

  /** One step over one range of parameters: the spec's kernel, with each run's scalars. */
  private step({ param, grad, state, runs, segments }: UpdateRange): void {
    runElementwise(this.spec.kernel, { param, grad, ...state }, runs.map(({ end, learnRateScale, momRateScale }) =>
      ({ end, scalars: this.spec.scalars(this.values, learnRateScale, momRateScale, this.t + 1) })), this.spec.kernel, segments);
  }

  /**
   * Adds a hook that runs on every variable's gradient before each update, in the
   * order added: an object with apply(variable, name), or such a function.
   */
  addHook(hook: OptimizerHook | OptimizerHook["apply"]): void {
    if (typeof hook === "function") this.hooks.push({ apply: hook as OptimizerHook["apply"] });
    else if (typeof hook?.apply === "function") this.hooks.push(hook);
    else throw new InvalidArgumentError(`addHook() got ${describe(hook)}; expected a function or an object with apply(variable, name)`);
  }

  /** Takes the module's variables and makes their state (zeros). With `useGlobalState` all parameters, gradients and state live in flat arrays and update() is one kernel call. */
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
    requireKernels(device, [this.spec.kernel, "fill", "copy", ...(device.guardedStep ? [] : ["countNonFinite" as const])]);
    this.checkPolicy(device, "setupOn()");
    if (this.nodeinfo && device.readsBackAsync) {
      throw new InvalidArgumentError(`setupOn() with a nodeinfo on ${device.name}: the nodes exchange the parameters ` +
        `and gradients through the host synchronously, and ${device.name} reads back only asynchronously; expected a ` +
        "node on another device (see startNodes()'s devices)");
    }
    if (this.nodeinfo && !useGlobalState) {
      throw new InvalidArgumentError("setupOn() with a nodeinfo needs { useGlobalState: true } (as in PuzzleLib): the " +
        "nodes exchange the one flat gradient");
    }
    this.device = device;
    this.module = module;
    this.slots = useGlobalState ? this.setupGlobal(device, table) : [...table].map(([variable, names]) =>
      slotOf(variable, names, this.allocateState(device, variable.data.shape)));
    // Every replica starts from node 0's parameters.
    this.nodeinfo?.broadcastBuffer("data", this.global!.param);
    if (device.onRestore) {
      this.snapshot();
      this.stopListening = device.onRestore(() => (this.t = this.snapshotT));
    }
    traceFromEnvironment(() => this.trace());
  }

  private allocateState(device: Device, shape: readonly number[]): OptimizerState {
    return Object.fromEntries(Object.entries(this.spec.state).map(([name, initial]) => {
      const array = DeviceArray.allocate(device, shape);
      if (initial !== 0) kernel(device, "fill")(array, initial);
      return [name, array];
    }));
  }

  /**
   * Moves every variable into two flat arrays and makes its data and grad views of
   * them. Each variable starts at a multiple of ALIGN elements (16 bytes: a whole
   * texel on webgl2, a SIMD vector on wasm-simd); the few elements between variables
   * stay zero, and the update leaves zeros zero.
   */
  private setupGlobal(device: Device, table: Map<Variable, string[]>): Slot[] {
    const aligned = (size: number) => Math.ceil(size / ALIGN) * ALIGN;
    let total = 0;
    for (const variable of table.keys()) total += aligned(variable.data.size);
    const param = DeviceArray.allocate(device, [total]);
    const grad = DeviceArray.allocate(device, [total]);
    const state = this.allocateState(device, [total]);
    // Each variable a matrix of its rows, and the zeros after it one row.
    const segments: { end: number; rows: number }[] = [];
    this.global = { param, grad, state, segments };
    const slots: Slot[] = [];
    let offset = 0;
    for (const [variable, names] of table) {
      const { shape, size } = variable.data;
      const view = param.view(offset, shape);
      kernel(device, "copy")(variable.data, view);
      variable.data.dispose();
      variable.grad.dispose();
      variable.data = view;
      variable.grad = grad.view(offset, shape);
      const slotState = Object.fromEntries(Object.entries(state).map(([name, a]) => [name, a.view(offset, shape)]));
      slots.push(slotOf(variable, names, slotState));
      const end = offset + size;
      segments.push({ end, rows: rowsOf(shape) });
      offset += aligned(size);
      if (offset > end) segments.push({ end: offset, rows: 1 });
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
      checkArrays(operation, slot.named);
      for (const key of ["learnRate", "momRate"] as const) {
        const value = variable[key];
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
          throw new InvalidArgumentError(`variable ${describe(names[0])} has ${key} ${describe(value)}; expected a finite number >= 0`);
        }
      }
    }
    return this.slots;
  }

  /** Sets every gradient to zero (one fill with global state). */
  zeroGradParams(): void {
    const slots = this.ready("zeroGradParams()");
    const fill = kernel(this.device!, "fill");
    if (this.global) fill(this.global.grad, 0, this.global.segments);
    else for (const slot of slots) fill(slot.grad, 0, slot.segments);
  }

  /**
   * One optimization step of every variable: the gradient check (see nonFinite),
   * the hooks, then the update. With global state the update is one kernel call for
   * all parameters, per-variable multipliers included. Returns false when the step
   * was skipped for non-finite gradients, true otherwise.
   */
  update(): boolean {
    const slots = this.ready("update()");
    const applyHooks = () => {
      for (const hook of this.hooks) for (const slot of slots) hook.apply(slot.variable, slot.names[0]);
    };
    if (this.nodeinfo) {
      // PuzzleLib's order on nodes: the hooks, the gradient summed over the nodes, then the
      // step; a non-finite gradient on one node is in every node's sum, so all refuse alike.
      applyHooks();
      this.nodeinfo.sumTensor("grad", this.global!.grad);
    }
    const steps = () => {
      if (!this.nodeinfo) applyHooks();
      if (this.global) this.step({ ...this.global, runs: this.globalRuns(slots) });
      else {
        for (const { data, grad, state, variable, segments } of slots) {
          this.step({ param: data, grad, state, segments,
            runs: [{ end: data.size, learnRateScale: variable.learnRate, momRateScale: variable.momRate }] });
        }
      }
    };
    const device = this.device!;
    if (this.nonFinite !== "off" && device.guardedStep) {
      this.checkPolicy(device, "update()");
      const step = this.t + 1;
      device.guardedStep(slots.map((slot) => slot.grad), steps, (counts) => {
        const bad = slots.map((slot, i) => [slot.names[0], counts[i]] as const).filter(([, n]) => n > 0);
        return new NonFiniteGradientError(`update() of step ${step}: ${bad.map(([name, n]) => `the gradient of ` +
          `${describe(name)} had ${n} NaN or infinite values`).join("; ")}; the ${device.name} device skipped that step ` +
          "(the weights and the optimizer state were left as they were) and ran the steps after it", bad.map(([name]) => name));
      });
    } else if (this.nonFinite !== "off" && !this.gradientsFinite(slots)) {
      this.skippedSteps++;
      return false;
    } else {
      steps();
    }
    this.t += 1;
    if (this.t % this.snapshotEvery === 0) this.takeSnapshot(slots);
    this.tracer?.record(this.t);
    return true;
  }

  /**
   * Starts recording this optimizer's training run (see Trace): from the next update()
   * on, every step's fingerprints of each variable's gradient and data, computed on the
   * device. Give the cost's error with trace.error(e) before update() to record it too.
   * A second call returns the same trace.
   */
  trace(): Trace {
    const slots = this.ready("trace()");
    const device = this.device!;
    if (this.tracer) return this.tracer;
    this.tracer = new Trace({
      device: { name: device.name, subnormals: device.subnormals, threads: device.threads,
        ...("precision" in device ? { precision: String(device.precision) } : {}) },
      optimizer: { name: this.spec.name, hyperParameters: { ...this.values } },
      variables: slots.map((slot) => ({ name: slot.names[0], shape: [...slot.data.shape] })),
    }, slots.map((slot) => ({ name: slot.names[0], data: slot.data, grad: slot.grad })), device);
    return this.tracer;
  }

  /**
   * On a device that checks gradients on the device (guardedStep: webgpu), update() cannot
   * know before it returns whether the step ran, so "skip" (which returns false and counts
   * skipped steps) is refused.
   */
  private checkPolicy(device: Device, operation: string): void {
    if (device.guardedStep && this.nonFinite === "skip") {
      throw new InvalidArgumentError(`${operation}: nonFinite is "skip", which needs the gradient check's result before ` +
        `update() returns; the ${device.name} device reads it back only asynchronously: use "throw" (the device skips ` +
        'such a step and the next read() throws a NonFiniteGradientError) or "off"');
    }
  }

  /** True if every gradient is finite; otherwise throws (policy "throw") or returns false ("skip"). */
  private gradientsFinite(slots: Slot[]): boolean {
    const countNonFinite = kernel(this.device!, "countNonFinite");
    // One reduction over the flat gradient in the common case; per variable only to name the culprits.
    if (this.global && countNonFinite(this.global.grad, this.global.segments) === 0) return true;
    const bad = slots.map((slot) => [slot.names[0], countNonFinite(slot.grad)] as const).filter(([, n]) => n > 0);
    if (bad.length === 0) return true;
    if (this.nonFinite === "skip") return false;
    throw new NonFiniteGradientError(`update(): ${bad.map(([name, n]) => `the gradient of ${describe(name)} has ${n} ` +
      "NaN or infinite values").join("; ")}; the weights and the optimizer state were left as they were ` +
      '(set nonFinite to "skip" to skip such steps instead)', bad.map(([name]) => name));
  }

  /** Consecutive variables with equal multipliers form one run. */
  private globalRuns(slots: Slot[]): UpdateRange["runs"] {
    const runs: UpdateRange["runs"] = [];
    for (const { data, variable } of slots) {
      const end = data.offset + data.size - this.global!.param.offset;
      const last = runs[runs.length - 1];
      if (last && last.learnRateScale === variable.learnRate && last.momRateScale === variable.momRate) last.end = end;
      else runs.push({ end, learnRateScale: variable.learnRate, momRateScale: variable.momRate });
    }
    // The last run takes the padding after the last variable too (zeros, which the update leaves zero).
    runs[runs.length - 1].end = this.global!.param.size;
    return runs;
  }

  /** The state arrays of the variable named `name` (any of its names). */
  getState(name: string): OptimizerState {
    const slot = this.ready("getState()").find((s) => s.names.includes(name));
    if (!slot) throw new InvalidArgumentError(`getState(): no variable named ${describe(name)} in the module set up on`);
    return slot.state;
  }

  /** t and every hyper-parameter, by name (what save() writes). */
  getAttrDict(): Record<string, number> {
    return { t: this.t, ...this.values };
  }

  /**
   * The attributes and the state of every variable in the safetensors format:
   * float32 tensors `<name>.<state>` (name: the variable's first name in the module),
   * attributes as strings in the header's `__metadata__`. On webgpu, whose arrays read
   * back only asynchronously, a SyncReadError: use saveAsync().
   */
  save(): Uint8Array {
    const slots = this.ready("save()");
    if (this.device!.readsBackAsync) throw saveIsAsync("Optimizer", this.device!);
    const arrays = this.savedState(slots);
    return this.encodeState(arrays, arrays.map(([, array]) => array.get()));
  }

  /**
   * save() on any device, webgpu included: the same bytes, read back asynchronously, of
   * the state when it is called (later steps do not change them).
   */
  async saveAsync(): Promise<Uint8Array> {
    const arrays = this.savedState(this.ready("saveAsync()"));
    return this.encodeState(arrays, await Promise.all(arrays.map(([, array]) => array.read())));
  }

  /** The state arrays save() writes, by their names there (`<variable>.<state>`). */
  private savedState(slots: Slot[]): [string, DeviceArray][] {
    return slots.flatMap(({ names, state }) => Object.keys(this.spec.state).map((key): [string, DeviceArray] =>
      [`${names[0]}.${key}`, state[key]]));
  }

  private encodeState(arrays: [string, DeviceArray][], values: Float32Array[]): Uint8Array {
    const tensors = new Map<string, Tensor>();
    arrays.forEach(([name, array], i) => tensors.set(name, { shape: array.shape, data: values[i] }));
    const metadata: Record<string, string> = { format: FORMAT, optimizer: this.spec.name };
    for (const [key, value] of Object.entries(this.getAttrDict())) metadata[key] = String(value);
    return encodeSafetensors(tensors, metadata);
  }

  /**
   * Restores what save() wrote, on any device. Everything is checked first (format,
   * optimizer, variable names, shapes, dtypes, attribute values); on any mismatch a
   * StateFormatError says what, and nothing changes.
   */
  load(bytes: Uint8Array): void {
    const slots = this.ready("load()");
    const { tensors, metadata } = decodeSafetensors(bytes);
    if (metadata.format !== FORMAT) {
      throw new StateFormatError(`saved format is ${describe(metadata.format)}; expected ${describe(FORMAT)}`);
    }
    if (metadata.optimizer !== this.spec.name) {
      throw new StateFormatError(`the state was saved by ${describe(metadata.optimizer)}; this is ${this.spec.name}`);
    }
    const attrs = this.parseAttrs(metadata);
    const expected = new Set(slots.flatMap(({ names }) => Object.keys(this.spec.state).map((key) => `${names[0]}.${key}`)));
    const unexpected = [...tensors.keys()].filter((name) => !expected.has(name));
    const missing = [...expected].filter((name) => !tensors.has(name));
    if (unexpected.length || missing.length) {
      throw new StateFormatError("the saved state belongs to another net: " +
        [missing.length ? `missing ${missing.map(describe).join(", ")}` : "",
          unexpected.length ? `unexpected ${unexpected.map(describe).join(", ")}` : ""].filter(Boolean).join("; "));
    }
    for (const { names, data } of slots) {
      for (const key of Object.keys(this.spec.state)) {
        const { shape } = tensors.get(`${names[0]}.${key}`)!;
        if (shape.length !== data.shape.length || shape.some((d, i) => d !== data.shape[i])) {
          throw new StateFormatError(`saved ${describe(`${names[0]}.${key}`)} has shape ${describe([...shape])}; ` +
            `the variable has ${describe([...data.shape])}`);
        }
      }
    }
    for (const { names, state } of slots) {
      for (const key of Object.keys(this.spec.state)) state[key].set(tensors.get(`${names[0]}.${key}`)!.data);
    }
    this.applyAttrs(attrs);
  }

  /** Checks every attribute getAttrDict() names; throws before anything is assigned. */
  private parseAttrs(metadata: Record<string, string>): Record<string, number> {
    const attrs: Record<string, number> = {};
    for (const key of Object.keys(this.getAttrDict())) {
      const text = metadata[key];
      const value = text === undefined ? NaN : Number(text);
      if (key === "t") {
        if (!Number.isSafeInteger(value) || value < 0) {
          throw new StateFormatError(`saved t is ${describe(text)}; expected a non-negative integer`);
        }
      } else {
        try {
          checkValue(this.spec.hyperParameters, key as H, value);
        } catch (error) {
          throw new StateFormatError(`saved ${(error as Error).message}`);
        }
      }
      attrs[key] = value;
    }
    return attrs;
  }

  /** Assigns attributes that parseAttrs() accepted. */
  private applyAttrs(attrs: Record<string, number>): void {
    this.t = attrs.t;
    this.snapshotT = attrs.t;
    for (const name of Object.keys(this.spec.hyperParameters) as H[]) this.values[name] = attrs[name];
  }

  /** Frees the optimizer's state and, with global state, the flat parameter and gradient arrays. */
  dispose(): void {
    for (const slot of this.slots ?? []) for (const array of Object.values(slot.state)) array.dispose();
    if (this.global) {
      for (const array of [this.global.param, this.global.grad, ...Object.values(this.global.state)]) array.dispose();
    }
    this.stopListening?.();
    this.stopListening = null;
    this.tracer?.dispose();
    this.tracer = null;
    this.slots = null;
    this.global = null;
    this.module = null;
  }
}

