import { forEachSegment, type DeviceBuffer } from "../../runtime/Device.js";
import { KernelDevice, type KernelTable } from "../../runtime/KernelDevice.js";
import type { DeviceArray } from "../../runtime/DeviceArray.js";
import { rmspropGraves } from "./rmspropGraves.js";
import { matmul } from "./matmul.js";
import { columnSums } from "./columnSums.js";
import { activationBackward, activationForward } from "./activation.js";
import { mse } from "./mse.js";
import { fill } from "./fill.js";
import { copy } from "./copy.js";
import { addScaled } from "./addScaled.js";
import { countNonFinite } from "./countNonFinite.js";

class JsBuffer implements DeviceBuffer {
  disposed = false;
  constructor(readonly data: Float32Array) {}
  get size(): number {
    return this.data.length;
  }
}

/** The float32 reference: plain TypeScript, one Math.fround per operation. The tests' oracle. */
export class JsDevice extends KernelDevice<JsDevice> {
  readonly name = "js" as const;
  // The reference kernels work on Float32Arrays: each entry hands them the arrays' views.
  protected readonly kernels: KernelTable<JsDevice> = {
    rmspropGraves: (d, param, grad, mg, ms, delta, scalars, segments) => {
      const views = [param, grad, mg, ms, delta].map((a) => d.view(a));
      forEachSegment(param.size, scalars, segments, (start, count, s) => {
        const [w, g, m, v, dl] = views.map((view) => view.subarray(start, start + count));
        rmspropGraves(w, g, m, v, dl, s, d.subnormals);
      });
    },
    matmul: (d, a, b, out, bias, shape) =>
      matmul(d.view(a), d.view(b), d.view(out), bias && d.view(bias), shape, d.subnormals),
    columnSums: (d, a, out, rows, cols) => columnSums(d.view(a), d.view(out), rows, cols, d.subnormals),
    activationForward: (d, kind, x, y) => activationForward(kind, d.view(x), d.view(y), d.subnormals),
    activationBackward: (d, kind, y, dy, dx) =>
      activationBackward(kind, d.view(y), d.view(dy), d.view(dx), d.subnormals),
    // The error costs nothing extra here, so it is computed even when not queried.
    mse: (d, pred, target, grad) => mse(d.view(pred), d.view(target), d.view(grad), d.subnormals),
    fill: (d, a, value) => fill(d.view(a), value),
    copy: (d, src, dst) => copy(d.view(src), d.view(dst)),
    addScaled: (d, x, y, scale) => addScaled(d.view(x), d.view(y), scale, d.subnormals),
    countNonFinite: (d, a) => countNonFinite(d.view(a)),
  };

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
}
