import type { Device, DeviceBuffer, DeviceName, SubnormalMode } from "./Device.js";
import type { DeviceArray } from "./DeviceArray.js";

type KernelName = "rmspropGraves" | "matmul" | "columnSums" | "activationForward" | "activationBackward" | "mse" |
  "fill" | "copy" | "addScaled" | "countNonFinite";

/** A device's kernels: each kernel file's function, taking the device first. */
export type KernelTable<D> = {
  [K in KernelName]: (device: D, ...args: Parameters<Device[K]>) => ReturnType<Device[K]>;
};

/**
 * Base of every device: memory is the device's own, and each kernel call goes to
 * the function of the same name in the device's folder (the mirrored kernel files).
 */
export abstract class KernelDevice<D> implements Device {
  abstract readonly name: DeviceName;
  protected abstract readonly kernels: KernelTable<D>;

  constructor(readonly subnormals: SubnormalMode) {}

  get threads(): number {
    return 1;
  }

  abstract allocate(size: number): DeviceBuffer;
  abstract release(buffer: DeviceBuffer): void;
  abstract upload(dst: DeviceArray, values: Float32Array): void;
  abstract download(src: DeviceArray): Float32Array;

  private get self(): D {
    return this as unknown as D;
  }

  rmspropGraves(...args: Parameters<Device["rmspropGraves"]>): void {
    this.kernels.rmspropGraves(this.self, ...args);
  }

  matmul(...args: Parameters<Device["matmul"]>): void {
    this.kernels.matmul(this.self, ...args);
  }

  columnSums(...args: Parameters<Device["columnSums"]>): void {
    this.kernels.columnSums(this.self, ...args);
  }

  activationForward(...args: Parameters<Device["activationForward"]>): void {
    this.kernels.activationForward(this.self, ...args);
  }

  activationBackward(...args: Parameters<Device["activationBackward"]>): void {
    this.kernels.activationBackward(this.self, ...args);
  }

  mse(...args: Parameters<Device["mse"]>): number | null {
    return this.kernels.mse(this.self, ...args);
  }

  fill(...args: Parameters<Device["fill"]>): void {
    this.kernels.fill(this.self, ...args);
  }

  copy(...args: Parameters<Device["copy"]>): void {
    this.kernels.copy(this.self, ...args);
  }

  addScaled(...args: Parameters<Device["addScaled"]>): void {
    this.kernels.addScaled(this.self, ...args);
  }

  countNonFinite(...args: Parameters<Device["countNonFinite"]>): number {
    return this.kernels.countNonFinite(this.self, ...args);
  }
}
