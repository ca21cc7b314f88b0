import { kernel, type Device, type DeviceBuffer } from "./Device.js";
import { DisposedError, InvalidArgumentError, ShapeMismatchError, describe } from "../errors.js";

/** Checks a shape and returns its element count. */
export function shapeSize(shape: readonly number[]): number {
  if (!Array.isArray(shape)) {
    throw new InvalidArgumentError(`shape ${describe(shape)} is not an array; expected an array of non-negative integers`);
  }
  let size = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new InvalidArgumentError(`shape ${describe(shape)} has dimension ${describe(dim)}; expected non-negative integers`);
    }
    size *= dim;
  }
  return size;
}

/**
 * A float32 array on a device: a view (buffer + offset + shape) into storage the
 * device owns. Several arrays may view one buffer (global optimizer state); only the
 * array that allocated the buffer frees it.
 */
export class DeviceArray {
  /** The number of elements. */
  readonly size: number;
  /** The dimensions, outermost first. */
  readonly shape: readonly number[];

  /** @internal Arrays come from gpuarray.toGpu(), zeros(), empty() and view(). */
  constructor(
    /** The device whose memory holds the values. */
    readonly device: Device,
    /** @internal */
    readonly buffer: DeviceBuffer,
    /** @internal Where the array starts in its storage, in elements. */
    readonly offset: number,
    shape: readonly number[],
    private readonly owner: boolean,
  ) {
    this.shape = Object.freeze([...shape]);
    this.size = shapeSize(shape);
  }

  /** @internal A new zero-filled array of `shape` on `device`. */
  static allocate(device: Device, shape: readonly number[]): DeviceArray {
    const size = shapeSize(shape);
    return new DeviceArray(device, device.allocate(size), 0, shape, true);
  }

  /** Whether the storage was freed (by dispose() of the array that owns it). */
  get disposed(): boolean {
    return this.buffer.disposed;
  }

  /** A view of `shape` starting `offset` elements into this array. */
  view(offset: number, shape: readonly number[]): DeviceArray {
    this.assertAlive();
    const size = shapeSize(shape);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > this.size) {
      throw new ShapeMismatchError(
        `view at offset ${describe(offset)} of shape ${describe([...shape])} does not fit in an array of ${this.size} elements`);
    }
    return new DeviceArray(this.device, this.buffer, this.offset + offset, shape, false);
  }

  /**
   * The values, copied to the host, synchronously: webgl2 waits for its queue first
   * (read() does not); webgpu, which reads back only asynchronously, throws a
   * SyncReadError (use read()).
   */
  get(): Float32Array {
    this.assertAlive();
    return this.device.download(this);
  }

  /**
   * The values, copied to the host once the device has them (TF.js's data() to get()'s
   * dataSync()): the values at the call, whatever runs before the promise settles. Errors
   * (a disposed array, a device's) reject the promise.
   */
  async read(): Promise<Float32Array> {
    this.assertAlive();
    return this.device.read(this);
  }

  /** Overwrites the values with `values`, which must have `size` elements. */
  set(values: ArrayLike<number>): void {
    this.assertAlive();
    if (values == null || typeof values.length !== "number") {
      throw new InvalidArgumentError(`set() got ${describe(values)}; expected an array of ${this.size} numbers`);
    }
    if (values.length !== this.size) {
      throw new ShapeMismatchError(
        `set() got ${values.length} values for an array of shape ${describe([...this.shape])} (${this.size} elements)`);
    }
    this.device.upload(this, values instanceof Float32Array ? values : Float32Array.from(values));
  }

  /** Sets every element to `value`. */
  fill(value: number): void {
    this.assertAlive();
    if (typeof value !== "number") {
      throw new InvalidArgumentError(`fill() got ${describe(value)}; expected a number`);
    }
    kernel(this.device, "fill")(this, value);
  }

  /** Frees the storage if this array allocated it; a view only stops being usable by its owner's dispose. */
  dispose(): void {
    if (this.owner && !this.buffer.disposed) {
      this.device.release(this.buffer);
      this.buffer.disposed = true;
    }
  }

  /** @internal A DisposedError if the storage was freed. */
  assertAlive(): void {
    if (this.buffer.disposed) {
      throw new DisposedError(`array of shape ${describe([...this.shape])} on ${this.device.name} was disposed`);
    }
  }
}

/**
 * `old` if it is alive on `device` with exactly `shape`, else a new zeroed array
 * (and `old` is freed): results reused across training steps without leaking.
 */
export function reuseArray(old: DeviceArray | null | undefined, device: Device, shape: readonly number[]): DeviceArray {
  if (old && old.device === device && !old.disposed && old.shape.length === shape.length &&
    old.shape.every((dim, i) => dim === shape[i])) {
    return old;
  }
  old?.dispose();
  return DeviceArray.allocate(device, shape);
}
