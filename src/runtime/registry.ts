import type { Device, DeviceName, Precision, SubnormalMode } from "./Device.js";
import { DeviceUnavailableError, InvalidArgumentError, NotReadyError, describe } from "../errors.js";
import { JsDevice } from "../devices/js/index.js";
import { WasmDevice } from "../devices/wasm/index.js";
import { WebGL2Device } from "../devices/webgl2/index.js";
import { WebGPUDevice } from "../devices/webgpu/index.js";
import { runtimeParallelism } from "../workers/spawn.js";
import { MAX_THREADS } from "../workers/control.js";

/** How to open one device: a cheap named check first, then the (async) opening. */
interface DeviceEntry {
  unsupportedReason(): string | null | Promise<string | null>;
  /** Why init() passes over a device that works, when it chooses by itself. */
  notPreferredReason?(): string | null | Promise<string | null>;
  open(options: DeviceOptions): Promise<Device>;
}

/** What makes two instances of one device differ. */
interface DeviceOptions {
  subnormals: SubnormalMode;
  precision: Precision;
  threads: number;
}

const ENTRIES: Record<DeviceName, DeviceEntry> = {
  webgpu: {
    unsupportedReason: () => WebGPUDevice.unavailableReason(),
    notPreferredReason: () => WebGPUDevice.notPreferredReason(),
    open: ({ subnormals }) => WebGPUDevice.create(subnormals),
  },
  webgl2: {
    unsupportedReason: () => WebGL2Device.unsupportedReason(),
    notPreferredReason: () => WebGL2Device.notPreferredReason(),
    open: ({ subnormals, precision }) => WebGL2Device.create(subnormals, precision),
  },
  "wasm-simd": {
    unsupportedReason: () => WasmDevice.unsupportedReason(true),
    open: ({ subnormals, threads }) => WasmDevice.create(true, subnormals, threads),
  },
  wasm: {
    unsupportedReason: () => WasmDevice.unsupportedReason(false),
    open: ({ subnormals, threads }) => WasmDevice.create(false, subnormals, threads),
  },
  js: { unsupportedReason: () => null, open: async ({ subnormals }) => new JsDevice(subnormals) },
};

/** The order init() tries devices in when none is named: fastest first. */
export const DEVICE_PREFERENCE: readonly DeviceName[] = ["webgpu", "webgl2", "wasm-simd", "wasm", "js"];

/** One device as availableDevices() reports it. */
export interface DeviceStatus {
  /** The device. */
  name: DeviceName;
  /** Whether it opens here. */
  available: boolean;
  /** Whether init() with no device named would consider it (false on software WebGL2). */
  preferred: boolean;
  /** Why the device cannot be used here, or why init() passes over it; absent otherwise. */
  reason?: string;
  /** wasm-simd and wasm: the threads their kernels run on with init()'s default `threads`. */
  threads?: number;
  /** wasm-simd and wasm: why they run on fewer threads than that (no shared memory here, a worker that ended). */
  threadsReason?: string;
}

/** Devices opened, by name and options: each mode is a device instance of its own. */
const opened = new Map<string, Promise<Device>>();
/** Why each device failed the last time it was opened (what init()'s error and availableDevices() report). */
const failures = new Map<DeviceName, string>();
/**
 * Openings that failed, by name and options, not tried again: a failure may depend on the
 * options (a self-test that fails in one subnormal mode says nothing of the other).
 */
const failedOpenings = new Map<string, string>();
/** Why init() passed over a working device the last time it chose by itself. */
const passedOver = new Map<DeviceName, string>();
let current: Device | null = null;

async function open(name: DeviceName,
  options: DeviceOptions = { subnormals: "keep", precision: "strict", threads: defaultThreads() }): Promise<Device> {
  // Precision matters to webgl2 only (the CPU devices are exact either way), threads to wasm only.
  const key = `${name} ${options.subnormals}${name === "webgl2" ? ` ${options.precision}` : ""}` +
    `${name.startsWith("wasm") ? ` ${options.threads}` : ""}`;
  const known = failedOpenings.get(key) ?? failedOpenings.get(name);
  if (known) throw new Error(known);
  const reason = await ENTRIES[name].unsupportedReason();
  if (reason) {
    // Whatever the options.
    failures.set(name, reason);
    failedOpenings.set(name, reason);
    throw new Error(reason);
  }
  let pending = opened.get(key);
  if (pending && (await pending.catch(() => null) as { disposed?: boolean } | null)?.disposed) pending = undefined;
  if (!pending) {
    pending = ENTRIES[name].open(options);
    opened.set(key, pending);
  }
  try {
    return await pending;
  } catch (error) {
    opened.delete(key);
    const message = error instanceof Error ? error.message : String(error);
    failures.set(name, message);
    failedOpenings.set(key, message);
    throw new Error(message);
  }
}

/** Whether `name` is one of the device names (DEVICE_PREFERENCE). */
export function isDeviceName(name: unknown): name is DeviceName {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(ENTRIES, name);
}

/** Options of init(). */
export interface InitOptions {
  /** The device to use; by default the first of webgpu, webgl2, wasm-simd, wasm, js that works here (see DEVICE_PREFERENCE). */
  device?: DeviceName;
  /**
   * "keep" (default): IEEE-754 subnormals on the CPU devices. "flush": every device
   * treats subnormal operands as zero and flushes subnormal results to a zero of their
   * sign, so that GPUs which flush and GPUs which do not give the same bits.
   */
  subnormals?: SubnormalMode;
  /**
   * The webgl2 device's arithmetic: "strict" (default: the js reference's bits on any
   * conforming GPU) or "fast" (the compiler's own; see docs/devices.md for its price).
   * The CPU devices are exact either way.
   */
  precision?: Precision;
  /**
   * Threads for the wasm-simd and wasm kernels: an integer from 1 to 64; by default the
   * runtime's parallelism (os.availableParallelism(), navigator.hardwareConcurrency),
   * at most 8. Needs shared memory (a page must be cross-origin isolated); where there
   * is none the device runs on one thread and availableDevices() says why. Results are
   * the same bits for every count.
   */
  threads?: number;
}

const INIT_OPTIONS = ["device", "subnormals", "precision", "threads"];

/** The runtime's parallelism, at most 8: what init() uses when `threads` is not given. */
export function defaultThreads(): number {
  return Math.min(8, runtimeParallelism());
}
const CHOICES = { subnormals: ["keep", "flush"], precision: ["strict", "fast"] } as const;

/** Checks init()'s and getDevice()'s options; returns the device options they ask for. */
function checkOptions(options: unknown, context: string): DeviceOptions {
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError(`${context}: options are ${describe(options)}; expected an object`);
  }
  for (const key of Object.keys(options)) {
    if (!INIT_OPTIONS.includes(key)) {
      throw new InvalidArgumentError(`${context}: unknown option ${describe(key)}; expected ` +
        INIT_OPTIONS.map(describe).join(", "));
    }
  }
  const { subnormals = "keep", precision = "strict", threads = defaultThreads() } = options as InitOptions;
  if (typeof threads !== "number" || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new InvalidArgumentError(`${context}: threads is ${describe(threads)}; expected an integer from 1 to ` +
      `${MAX_THREADS}`);
  }
  for (const [key, value] of [["subnormals", subnormals], ["precision", precision]] as const) {
    if (!(CHOICES[key] as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${context}: ${key} is ${describe(value)}; expected ` +
        CHOICES[key].map(describe).join(" or "));
    }
  }
  return { subnormals, precision, threads };
}

/**
 * Opens a device and makes it current. With no device named, tries them fastest
 * first and records why each skipped one failed (see availableDevices()).
 * Arrays made earlier stay on the device they were made on.
 */
export async function init(options: InitOptions = {}): Promise<Device> {
  const deviceOptions = checkOptions(options, "init");
  const wanted = options.device;
  if (wanted !== undefined) {
    if (!isDeviceName(wanted)) {
      throw new DeviceUnavailableError(
        `unknown device ${describe(wanted)}; expected one of ${DEVICE_PREFERENCE.map(describe).join(", ")}`,
        new Map());
    }
    try {
      current = await open(wanted, deviceOptions);
      return current;
    } catch {
      throw await unavailable(`device ${describe(wanted)} cannot run here`);
    }
  }
  for (const name of DEVICE_PREFERENCE) {
    const notPreferred = await ENTRIES[name].notPreferredReason?.();
    if (notPreferred) {
      passedOver.set(name, notPreferred);
      continue;
    }
    try {
      current = await open(name, deviceOptions);
      return current;
    } catch {
      // recorded in `failures`; try the next one
    }
  }
  throw await unavailable("no device can run here");
}

/**
 * The error listing every device with the reason it cannot run, from the same opening
 * that availableDevices() does: a device not tried yet is opened first, so that a check
 * only opening can fail (WebAssembly forbidden by a page's CSP) is not listed as available.
 */
async function unavailable(head: string): Promise<DeviceUnavailableError> {
  for (const name of DEVICE_PREFERENCE) {
    if (!failures.has(name) && !passedOver.has(name)) await open(name).catch(() => undefined);
  }
  const reasons = new Map(failures);
  const lines = DEVICE_PREFERENCE.map((name) =>
    `  ${name}: ${reasons.get(name) ?? (passedOver.has(name) ? `available, but ${passedOver.get(name)}` : "available")}`);
  return new DeviceUnavailableError(`${head}:\n${lines.join("\n")}`, reasons);
}

/** The device init() chose. */
export function currentDevice(): Device {
  if (!current) throw new NotReadyError("no device yet: call `await init()` first");
  return current;
}

/**
 * Every device with whether it works here, whether init() would choose it by itself,
 * and why not. Opens each one to find out.
 */
export async function availableDevices(): Promise<DeviceStatus[]> {
  const statuses: DeviceStatus[] = [];
  for (const name of DEVICE_PREFERENCE) {
    try {
      const device = await open(name);
      const notPreferred = (await ENTRIES[name].notPreferredReason?.()) ?? null;
      statuses.push({ name, available: true, preferred: !notPreferred, ...(notPreferred ? { reason: notPreferred } : {}),
        ...(device instanceof WasmDevice ? { threads: device.threads } : {}),
        ...(device instanceof WasmDevice && device.threadsReason ? { threadsReason: device.threadsReason } : {}) });
    } catch (error) {
      statuses.push({ name, available: false, preferred: false, reason: (error as Error).message });
    }
  }
  return statuses;
}

/**
 * The device named, opened (without making it current): for tests and cross-device
 * checks. `subnormals`, `precision` and `threads` as in init().
 */
export async function getDevice(name: DeviceName, options: Pick<InitOptions, "subnormals" | "precision" | "threads"> = {}):
  Promise<Device> {
  const deviceOptions = checkOptions(options, "getDevice");
  if (!isDeviceName(name)) {
    throw new DeviceUnavailableError(`unknown device ${describe(name)}; expected one of ${DEVICE_PREFERENCE.join(", ")}`, new Map());
  }
  try {
    return await open(name, deviceOptions);
  } catch {
    throw await unavailable(`device ${describe(name)} cannot run here`);
  }
}
