import type { ActivationKind, Device, DeviceBuffer, GravesScalars, MatmulShape } from "../../device/Device.js";
import type { DeviceArray } from "../../device/DeviceArray.js";
import { rmspropGraves } from "./rmspropGraves.js";
import { matmul } from "./matmul.js";
import { columnSums } from "./columnSums.js";
import { activationBackward, activationForward } from "./activation.js";
import { mse } from "./mse.js";
import { fill } from "./fill.js";
import { copy } from "./copy.js";

class JsBuffer implements DeviceBuffer {
  disposed = false;
  constructor(readonly data: Float32Array) {}
  get size(): number {
    return this.data.length;
  }
}

/** The float32 reference: plain TypeScript, one Math.fround per operation. The tests' oracle. */
export class JsDevice implements Device {
  readonly name = "js" as const;

  allocate(size: number): DeviceBuffer {
    return new JsBuffer(new Float32Array(size));
  }

  release(buffer: DeviceBuffer): void {
    (buffer as JsBuffer).data.fill(0);
  }

  /** The array's elements as a live view (no copy). */
  view(a: DeviceArray): Float32Array {
    return (a.buffer as JsBuffer).data.subarray(a.offset, a.offset + a.size);
  }

  upload(dst: DeviceArray, values: Float32Array): void {
    this.view(dst).set(values);
  }

  download(src: DeviceArray): Float32Array {
    return this.view(src).slice();
  }

  rmspropGraves(param: DeviceArray, grad: DeviceArray, mg: DeviceArray, ms: DeviceArray, delta: DeviceArray,
    scalars: GravesScalars): void {
    rmspropGraves(this.view(param), this.view(grad), this.view(mg), this.view(ms), this.view(delta), scalars);
  }

  matmul(a: DeviceArray, b: DeviceArray, out: DeviceArray, bias: DeviceArray | null, shape: MatmulShape): void {
    matmul(this.view(a), this.view(b), this.view(out), bias && this.view(bias), shape);
  }

  columnSums(a: DeviceArray, out: DeviceArray, rows: number, cols: number): void {
    columnSums(this.view(a), this.view(out), rows, cols);
  }

  activationForward(kind: ActivationKind, x: DeviceArray, y: DeviceArray): void {
    activationForward(kind, this.view(x), this.view(y));
  }

  activationBackward(kind: ActivationKind, y: DeviceArray, dy: DeviceArray, dx: DeviceArray): void {
    activationBackward(kind, this.view(y), this.view(dy), this.view(dx));
  }

  /** The error costs nothing extra here, so it is computed even when not queried. */
  mse(pred: DeviceArray, target: DeviceArray, grad: DeviceArray): number {
    return mse(this.view(pred), this.view(target), this.view(grad));
  }

  fill(a: DeviceArray, value: number): void {
    fill(this.view(a), value);
  }

  copy(src: DeviceArray, dst: DeviceArray): void {
    copy(this.view(src), this.view(dst));
  }
}
