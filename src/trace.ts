import { DeviceArray } from "./runtime/DeviceArray.js";
import type { Device } from "./runtime/Device.js";
import { kernel } from "./runtime/kernels.js";
import { combineFingerprint, fingerprintFloats } from "./kernels/fingerprint.js";
import { InvalidArgumentError, NotReadyError, describe } from "./errors.js";
import { ulpDistance } from "./ulp.js";
import { float32Bits } from "./kernels/vocabulary.js";
import { VERSION } from "./version.js";

/** The `format` of trace files. */
export const TRACE_FORMAT = "portable-optim.trace.v1";

/** A trace file that cannot be read: not JSON, another format or version, a missing or ill-typed field. */
export class TraceFormatError extends InvalidArgumentError {
  /** "TraceFormatError", kept through minification. */
  override name = "TraceFormatError";
}

/** Two traces that cannot be compared: different networks, optimizers or hyper-parameters. */
export class TraceMismatchError extends InvalidArgumentError {
  /** "TraceMismatchError", kept through minification. */
  override name = "TraceMismatchError";
}

/** One recorded step: after update() number `t`, the 64-bit fingerprints (16 hex digits) of every variable's gradient and data. */
export interface TraceStep {
  /** The optimizer's step count after this update. */
  t: number;
  /** The error given to trace.error() before this step, as its float32 bits (8 hex digits). */
  error?: string;
  /** Each variable's gradient fingerprint (16 hex digits), by name. */
  grad: Record<string, string>;
  /** Each variable's data fingerprint after the update, by name. */
  data: Record<string, string>;
}

/** What a trace file holds (JSON). */
export interface TraceFile {
  /** TRACE_FORMAT. */
  format: typeof TRACE_FORMAT;
  /** The package version that recorded it. */
  version: string;
  /** The device that recorded it. */
  device: {
    /** Its name. */
    name: string;
    /** Its subnormal mode. */
    subnormals: string;
    /** webgl2: its precision. */
    precision?: string;
    /** Its threads. */
    threads: number;
  };
  /** The optimizer. */
  optimizer: {
    /** Its class. */
    name: string;
    /** Its hyper-parameters at the start. */
    hyperParameters: Record<string, number>;
  };
  /** The variables traced, in the optimizer's order. */
  variables: {
    /** The variable's first name. */
    name: string;
    /** Its shape. */
    shape: number[];
  }[];
  /** The steps recorded. */
  steps: TraceStep[];
}

/** A variable as the trace reads it: its first name and its arrays. */
export interface TracedVariable {
  name: string;
  data: DeviceArray;
  grad: DeviceArray;
}

/**
 * A training run's trace (see Optimizer.trace()): per update(), the fingerprint of every
 * variable's gradient and data, computed on the device (one small read-back of chunk
 * hashes a step), and the error when given. toJSON() is the file; compareTraces() finds
 * where two traces part.
 *
 * On a device that reads back only asynchronously (webgpu), a step's fingerprints arrive
 * after its update(): `await trace.ready()` before toJSON() or serialize() (compareTraces()
 * and expectSameTrace() wait by themselves). The training loop never waits for them.
 */
export class Trace {
  /** The steps recorded so far (on webgpu, those whose fingerprints have arrived: see ready()). */
  readonly steps: TraceStep[] = [];
  private pendingError: string | Promise<string> | undefined;
  private scratch: DeviceArray | null = null;
  /** Steps recorded whose fingerprints (or error) are still being read back, and the promise of the last. */
  private unsettled = 0;
  private settling: Promise<void> = Promise.resolve();

  /** @internal Traces come from optimizer.trace(). */
  constructor(
    /** The device, optimizer and variables traced. */
    readonly header: Omit<TraceFile, "steps" | "format" | "version">,
    private readonly variables: readonly TracedVariable[] = [], private readonly device: Device | null = null) {}

  /**
   * Records the error of the step about to be taken (a cost's error), kept as its float32
   * bits: a number, or on webgpu the promise of one (`trace.error(loss.readError())`).
   */
  error(value: number | Promise<number>): void {
    if (value instanceof Promise) {
      const bits = value.then((v) => errorBits(v));
      bits.catch(() => undefined); // it rejects through ready(), not as an unhandled rejection
      this.pendingError = bits;
    } else {
      this.pendingError = errorBits(value);
    }
  }

  /** @internal Records step `t` from the variables' current arrays: what update() calls after each step. */
  record(t: number): void {
    const device = this.device!;
    const arrays = this.variables.flatMap((v) => [v.grad, v.data]);
    const sizes = arrays.map((a) => fingerprintFloats(a.size));
    const total = sizes.reduce((a, b) => a + b, 0);
    if (!this.scratch || this.scratch.size !== total || this.scratch.disposed) {
      this.scratch?.dispose();
      this.scratch = DeviceArray.allocate(device, [total]);
    }
    const fingerprint = kernel(device, "fingerprint");
    let offset = 0;
    arrays.forEach((a, i) => {
      fingerprint(a, this.scratch!.view(offset, [sizes[i]]));
      offset += sizes[i];
    });
    const error = this.pendingError;
    this.pendingError = undefined;
    const step = (chunks: Float32Array, error: string | undefined): TraceStep => {
      const step: TraceStep = { t, grad: {}, data: {} };
      if (error !== undefined) step.error = error;
      let offset = 0;
      arrays.forEach((a, i) => {
        const v = this.variables[i >> 1];
        (i & 1 ? step.data : step.grad)[v.name] = combineFingerprint(chunks.subarray(offset, offset + sizes[i]), a.size);
        offset += sizes[i];
      });
      return step;
    };
    // read() takes the values at the call, so the scratch serves the next step at once.
    const chunks = device.readsBackAsync ? this.scratch.read() : this.scratch.get();
    if (chunks instanceof Float32Array && !(error instanceof Promise) && this.unsettled === 0) {
      this.steps.push(step(chunks, error));
      return;
    }
    this.unsettled++;
    this.settling = Promise.all([this.settling, chunks, error]).then(([, c, e]) => {
      this.steps.push(step(c, e));
      this.unsettled--;
    });
    this.settling.catch(() => undefined); // it rejects through ready()
  }

  /**
   * Resolves once every step recorded so far is in `steps` (at once on the devices that
   * read back synchronously); rejects with what a read-back met (a device's error, a
   * non-finite gradient's error on webgpu, an error promise's rejection).
   */
  async ready(): Promise<this> {
    await this.settling;
    return this;
  }

  /** The trace as a JSON-ready TraceFile (what JSON.stringify(trace) writes); NotReadyError while steps are being read back. */
  toJSON(): TraceFile {
    if (this.unsettled > 0) {
      throw new NotReadyError(`the trace has ${this.unsettled} step${this.unsettled > 1 ? "s" : ""} whose fingerprints the ` +
        `${this.device!.name} device is still reading back: \`await trace.ready()\` first`);
    }
    return { format: TRACE_FORMAT, version: VERSION, ...this.header, steps: this.steps };
  }

  /** The trace as its JSON text (after `await trace.ready()` on webgpu). */
  serialize(): string {
    return JSON.stringify(this.toJSON());
  }

  /** Frees the device memory of the fingerprints. */
  dispose(): void {
    this.scratch?.dispose();
    this.scratch = null;
  }
}

function errorBits(value: unknown): string {
  if (typeof value !== "number") throw new InvalidArgumentError(`trace.error() got ${describe(value)}; expected the step's error`);
  return float32Bits(value).toString(16).padStart(8, "0");
}

/** Reads a trace file's text (or its parsed JSON), checking every field: a TraceFormatError names what is wrong. */
export function parseTrace(source: string | unknown): TraceFile {
  let value: unknown = source;
  if (typeof source === "string") {
    try {
      value = JSON.parse(source);
    } catch (error) {
      throw new TraceFormatError(`the trace is not JSON (${(error as Error).message}); a truncated file?`);
    }
  }
  const fail = (what: string): never => {
    throw new TraceFormatError(`the trace's ${what}`);
  };
  if (typeof value !== "object" || value === null) fail(`content is ${describe(value)}; expected an object`);
  const file = value as Record<string, unknown>;
  if (file.format !== TRACE_FORMAT) fail(`format is ${describe(file.format)}; expected ${describe(TRACE_FORMAT)}`);
  if (typeof file.version !== "string") fail(`version is ${describe(file.version)}; expected the recording package's version`);
  const device = file.device as Record<string, unknown> | undefined;
  if (typeof device?.name !== "string" || typeof device.threads !== "number") fail("device is missing its name or threads");
  const optimizer = file.optimizer as Record<string, unknown> | undefined;
  if (typeof optimizer?.name !== "string" || typeof optimizer.hyperParameters !== "object") fail("optimizer is missing its name or hyper-parameters");
  if (!Array.isArray(file.variables) || file.variables.some((v) => typeof v?.name !== "string" || !Array.isArray(v.shape))) {
    fail("variables are not a list of { name, shape }");
  }
  if (!Array.isArray(file.steps)) fail("steps are not a list");
  const names = (file.variables as { name: string }[]).map((v) => v.name);
  (file.steps as unknown[]).forEach((step, i) => {
    const s = step as Record<string, Record<string, unknown>> | null;
    for (const kind of ["grad", "data"] as const) {
      if (typeof s?.[kind] !== "object" || names.some((n) => !/^[0-9a-f]{16}$/.test(String(s[kind][n])))) {
        fail(`step ${i} has no 16-digit ${kind} fingerprint for every variable`);
      }
    }
    if (typeof (s as unknown as TraceStep).t !== "number") fail(`step ${i} has no t`);
  });
  return file as unknown as TraceFile;
}

/** Where two traces part: the first step, variable and array whose fingerprints differ. */
export interface TraceDivergence {
  /** The step (update() number t). */
  t: number;
  /** Index of that step in the traces. */
  index: number;
  /** "error", or the first variable whose gradient or data differs (gradients first: they come first in a step). */
  variable: string | null;
  /** Which array differs: the step's error, a gradient or the data after the update. */
  array: "error" | "grad" | "data";
  /** With replay: the first differing element of that array, the two values and their ULP distance. */
  element?: {
    /** The element. */
    index: number;
    /** Its value in a. */
    a: number;
    /** Its value in b. */
    b: number;
    /** Their ULP distance. */
    ulp: number;
  };
}

/** What compareTraces() returns: identical, or where the runs first part. */
export interface TraceComparison {
  /** Whether every compared step has the same fingerprints. */
  identical: boolean;
  /** Steps compared (the shorter trace's length). */
  steps: number;
  /** Where the traces part; null when identical. */
  divergence: TraceDivergence | null;
  /** One line: "identical over N steps" or where and how they part. */
  message: string;
}

/** Options of compareTraces() and expectSameTrace(). */
export interface CompareOptions {
  /**
   * Reruns a side to the step of the divergence and returns the named array there (the
   * variable's "grad" or "data" after that step's update()), so that the comparison can
   * name the element and its distance.
   */
  replay?: (side: "a" | "b", t: number, variable: string, array: "grad" | "data") => Promise<Float32Array> | Float32Array;
}

/**
 * Compares two traces step by step: identical, or the first step and variable whose
 * fingerprints differ (and with `replay`, the first element and its ULP distance).
 * Traces of different variables (names, shapes), optimizers or hyper-parameters are
 * refused with a TraceMismatchError naming the difference; devices, thread counts and
 * versions may differ (that is the point). A Trace is compared once its steps are in (see
 * Trace.ready()).
 */
export async function compareTraces(a: TraceFile | Trace | string, b: TraceFile | Trace | string,
  { replay }: CompareOptions = {}): Promise<TraceComparison> {
  const [x, y] = await Promise.all([a, b].map(async (t) => (t instanceof Trace ? (await t.ready()).toJSON() : parseTrace(t))));
  const vars = (t: TraceFile) => t.variables.map((v) => `${v.name} ${JSON.stringify(v.shape)}`).join(", ");
  if (vars(x) !== vars(y)) throw new TraceMismatchError(`the traces are of different networks: variables ${vars(x)} against ${vars(y)}`);
  if (x.optimizer.name !== y.optimizer.name) {
    throw new TraceMismatchError(`the traces are of different optimizers: ${x.optimizer.name} against ${y.optimizer.name}`);
  }
  for (const key of new Set([...Object.keys(x.optimizer.hyperParameters), ...Object.keys(y.optimizer.hyperParameters)])) {
    const [p, q] = [x.optimizer.hyperParameters[key], y.optimizer.hyperParameters[key]];
    if (p !== q) throw new TraceMismatchError(`the traces differ in ${key}: ${p} against ${q}`);
  }
  const steps = Math.min(x.steps.length, y.steps.length);
  const names = x.variables.map((v) => v.name);
  for (let i = 0; i < steps; i++) {
    const [s, r] = [x.steps[i], y.steps[i]];
    const divergence = firstDifference(s, r, i, names);
    if (!divergence) continue;
    if (replay && divergence.variable !== null) {
      const kind = divergence.array as "grad" | "data";
      const [u, v] = await Promise.all([replay("a", s.t, divergence.variable, kind), replay("b", r.t, divergence.variable, kind)]);
      const u32 = (f: Float32Array) => new Uint32Array(f.buffer, f.byteOffset, f.length);
      const [ub, vb] = [u32(u), u32(v)];
      const index = ub.findIndex((bits, k) => bits !== vb[k]);
      if (index >= 0) divergence.element = { index, a: u[index], b: v[index], ulp: ulpDistance(u[index], v[index]) };
    }
    return { identical: false, steps, divergence, message: describeDivergence(divergence, x, y) };
  }
  const lengths = x.steps.length === y.steps.length ? "" : ` (one trace has ${x.steps.length} steps, the other ${y.steps.length})`;
  return { identical: lengths === "", steps, divergence: null, message: `identical over ${steps} steps${lengths}` };
}

/** Where steps s and r (number `index`) first differ: the error, then every gradient, then every data array. */
function firstDifference(s: TraceStep, r: TraceStep, index: number, names: readonly string[]): TraceDivergence | null {
  if (s.error !== r.error) return { t: s.t, index, variable: null, array: "error" };
  for (const array of ["grad", "data"] as const) {
    const variable = names.find((n) => s[array][n] !== r[array][n]);
    if (variable !== undefined) return { t: s.t, index, variable, array };
  }
  return null;
}

function describeDivergence(d: TraceDivergence, x: TraceFile, y: TraceFile): string {
  const where = d.variable === null ? "the error" : `variable ${d.variable}, its ${d.array === "grad" ? "gradient" : "data"}`;
  const element = d.element ? `, element ${d.element.index}: ${d.element.a} against ${d.element.b}, ${d.element.ulp} ULP apart` : "";
  const on = (t: TraceFile) => `${t.device.name}${t.device.threads > 1 ? ` (${t.device.threads} threads)` : ""}`;
  return `the traces part at step ${d.t}: ${where}${element} (${on(x)} against ${on(y)})`;
}

/**
 * For test suites (Vitest, Jest, node:test): resolves when the traces are identical,
 * rejects with an Error whose message is the first divergence otherwise.
 */
export async function expectSameTrace(a: TraceFile | Trace | string, b: TraceFile | Trace | string,
  options: CompareOptions = {}): Promise<void> {
  const result = await compareTraces(a, b, options);
  if (!result.identical) throw new Error(result.message);
}

/** The environment variable `npx portable-optim trace` sets: the file every optimizer's trace is written to at exit. */
export const TRACE_ENV = "PORTABLE_OPTIM_TRACE";

type NodeFs = { writeFileSync(path: string, text: string): void };
interface NodeProcess {
  env: Record<string, string | undefined>;
  on(event: "exit" | "beforeExit", listener: () => void): void;
  getBuiltinModule?(name: string): unknown;
}
let traced = 0;

/**
 * Under `npx portable-optim trace` (TRACE_ENV set, Node or Deno), starts a trace of an
 * optimizer just set up and writes it when the process exits: the first optimizer's to
 * the file named, the next ones' to name.1.json, name.2.json, ... Elsewhere it does nothing.
 */
export function traceFromEnvironment(start: () => Trace): void {
  const process = (globalThis as { process?: NodeProcess }).process;
  let path: string | undefined;
  try {
    path = process?.env?.[TRACE_ENV];
  } catch {
    return; // Deno without --allow-env: reading the environment throws, and no trace was asked for there
  }
  if (!process || !path) return;
  const file = traced === 0 ? path : path.replace(/(\.json)?$/, `.${traced}.json`);
  traced++;
  const trace = start();
  let fs: NodeFs | null = (process.getBuiltinModule?.("node:fs") as NodeFs | undefined) ?? null;
  // A computed specifier, so that bundlers for the browser leave it alone.
  if (!fs) void import(/* @vite-ignore */ ["node", "fs"].join(":")).then((m: NodeFs) => (fs = m));
  const write = () => {
    if (written) return;
    written = true;
    if (fs) fs.writeFileSync(file, trace.serialize());
    else console.error(`portable-optim: could not write the trace ${file}: no file system module at exit`);
  };
  let written = false;
  let waiting = false;
  // When the program has nothing left to do: on webgpu the last steps' fingerprints are
  // still on their way then, and their read-back keeps the process alive until written.
  process.on("beforeExit", () => {
    if (written || waiting) return;
    waiting = true;
    void trace.ready().then(write, (error: Error) => {
      written = true;
      console.error(`portable-optim: could not write the trace ${file}: ${error.message}`);
    });
  });
  // process.exit() skips beforeExit: written here if every step is in.
  process.on("exit", () => {
    try {
      write();
    } catch (error) {
      console.error(`portable-optim: could not write the trace ${file}: ${(error as Error).message} ` +
        "(process.exit() came before the read-back: let the program end by itself)");
    }
  });
}
