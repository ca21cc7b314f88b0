/**
 * Base class of every error this package throws; catch it to catch them all. Each class
 * names itself in a string, not from its constructor's name, which minifiers rename.
 */
export class PortableOptimError extends Error {
  /** "PortableOptimError", kept through minification. */
  override name = "PortableOptimError";
}

/** A value (hyper-parameter, option, size) is outside what is accepted. */
export class InvalidArgumentError extends PortableOptimError {
  /** "InvalidArgumentError", kept through minification. */
  override name = "InvalidArgumentError";
}

/** Arrays or values whose shapes or sizes do not fit together. */
export class ShapeMismatchError extends PortableOptimError {
  /** "ShapeMismatchError", kept through minification. */
  override name = "ShapeMismatchError";
}

/** Arrays that live on different devices were given to one operation. */
export class DeviceMismatchError extends PortableOptimError {
  /** "DeviceMismatchError", kept through minification. */
  override name = "DeviceMismatchError";
}

/** An array, module or optimizer was used after dispose(). */
export class DisposedError extends PortableOptimError {
  /** "DisposedError", kept through minification. */
  override name = "DisposedError";
}

/** A device was asked for that cannot work here (or does not exist); `reasons` says why per device. */
export class DeviceUnavailableError extends PortableOptimError {
  /** "DeviceUnavailableError", kept through minification. */
  override name = "DeviceUnavailableError";
  constructor(message: string,
    /** Each device tried and why it failed. */
    readonly reasons: ReadonlyMap<string, string>) {
    super(message);
  }
}

/** Something was used before the step it needs: `init()`, or `setupOn()` before `update()`. */
export class NotReadyError extends PortableOptimError {
  /** "NotReadyError", kept through minification. */
  override name = "NotReadyError";
}

/** Shows a value in an error message the way a user would have typed it. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" && Object.is(value, -0)) return "-0";
  if (Array.isArray(value)) return `[${value.map(describe).join(", ")}]`;
  return String(value);
}

/** The GL implementation failed: a shader that does not compile, an incomplete framebuffer, a GL error. */
export class WebGLError extends PortableOptimError {
  /** "WebGLError", kept through minification. */
  override name = "WebGLError";
}

/** The WebGPU implementation failed: no adapter, a pass the adapter rejects, a failed self-test, a lost device. */
export class WebGPUError extends PortableOptimError {
  /** "WebGPUError", kept through minification. */
  override name = "WebGPUError";
}

/** get() on a device that reads values back only asynchronously (webgpu): use `await array.read()`. */
export class SyncReadError extends PortableOptimError {
  /** "SyncReadError", kept through minification. */
  override name = "SyncReadError";
}

/** A gradient holds NaN or ±Infinity; `variables` names where. Nothing was updated. */
export class NonFiniteGradientError extends PortableOptimError {
  /** "NonFiniteGradientError", kept through minification. */
  override name = "NonFiniteGradientError";
  constructor(message: string,
    /** The variables whose gradient is not finite. */
    readonly variables: readonly string[]) {
    super(message);
  }
}

/** Saved optimizer state that cannot be loaded: corrupt, truncated, or made for another optimizer or net. */
export class StateFormatError extends InvalidArgumentError {
  /** "StateFormatError", kept through minification. */
  override name = "StateFormatError";
}

/**
 * The WebGL context is lost (GPU reset, driver update, too many contexts). The device
 * restores itself when the browser restores the context, from the last snapshot.
 */
export class ContextLostError extends WebGLError {
  /** "ContextLostError", kept through minification. */
  override name = "ContextLostError";
}

/** A worker of a device's thread pool failed or died while running part of a kernel call. */
export class WorkerError extends PortableOptimError {
  /** "WorkerError", kept through minification. */
  override name = "WorkerError";
}

/**
 * A node of a group started by startNodes() failed, died or did not arrive in time:
 * `rank` names it. Every node's collective operations throw it from then on.
 */
export class NodeError extends PortableOptimError {
  /** "NodeError", kept through minification. */
  override name = "NodeError";
  constructor(message: string,
    /** The rank of the node that failed. */
    readonly rank: number) {
    super(message);
  }
}

/** A kernel the operation needs is not implemented on the device: `kernel` and `device` name them. */
export class KernelUnavailableError extends PortableOptimError {
  /** "KernelUnavailableError", kept through minification. */
  override name = "KernelUnavailableError";
  constructor(message: string,
    /** The kernel asked for. */
    readonly kernel: string,
    /** The device without it. */
    readonly device: string) {
    super(message);
  }
}

/** A class label that is not an integer in [0, classes): names the first bad one and its index. */
export class InvalidLabelError extends InvalidArgumentError {
  /** "InvalidLabelError", kept through minification. */
  override name = "InvalidLabelError";
  constructor(message: string,
    /** Where the first bad label is. */
    readonly index: number,
    /** The bad label. */
    readonly label: number) {
    super(message);
  }
}
