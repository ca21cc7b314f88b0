import type { Device, DeviceBuffer, ElementwiseKernel, KernelTable } from "../../runtime/Device.js";
import type { DeviceArray } from "../../runtime/DeviceArray.js";
import { DEFINITIONS, type ElementwiseName } from "../../kernels/index.js";
import { allArrays } from "../../kernels/vocabulary.js";
import { kernels as rendered } from "./kernels.generated.js";
import { rounding } from "./rounding.js";
import { matmul } from "./matmul.js";
import { columnSums } from "./columnSums.js";
import { mseError } from "./mse.js";
import { crossEntropy, dropout, softmax } from "./rows.js";
import { batchNorm, batchNormBackward, channelSums, im2row, pool, poolBackward, row2im, transpose } from "./windows.js";
import { fingerprint } from "./fingerprint.js";

class JsBuffer implements DeviceBuffer {
  disposed = false;
  constructor(readonly data: Float32Array) {}
  get size(): number {
    return this.data.length;
  }
}

/** The float32 reference: plain TypeScript, one rounding per operation. The tests' oracle. */
export class JsDevice implements Device {
  readonly name = "js" as const;
  readonly threads = 1;
  // The reference kernels work on Float32Arrays: each entry hands them the arrays' views.
  readonly kernels: KernelTable;

  constructor(readonly subnormals: "keep" | "flush") {
    const f = rounding(subnormals);
    const elementwise = Object.fromEntries(Object.keys(DEFINITIONS).map((name) => {
      const run = rendered[name as ElementwiseName];
      const names = allArrays(DEFINITIONS[name as ElementwiseName]);
      const entry: ElementwiseKernel = (arrays, runs) => {
        const views = names.map((n) => this.view(arrays[n]));
        let start = 0;
        for (const { end, scalars } of runs) {
          run(views.map((view) => view.subarray(start, end)), scalars, f);
          start = end;
        }
      };
      return [name, entry];
    })) as Record<ElementwiseName, ElementwiseKernel>;
    this.kernels = {
      ...elementwise,
      matmul: (a, b, out, bias, shape) => matmul(this.view(a), this.view(b), this.view(out), bias && this.view(bias), shape, subnormals),
      columnSums: (a, out, rows, cols) => columnSums(this.view(a), this.view(out), rows, cols, subnormals),
      mseError: (pred, target, out) => void (this.view(out)[0] = mseError(this.view(pred), this.view(target), subnormals)),
      softmax: (x, y, shape) => softmax(this.view(x), this.view(y), shape, subnormals),
      crossEntropy: (scores, labels, weights, grad, losses, shape) => crossEntropy(this.view(scores), this.view(labels),
        weights && this.view(weights), this.view(grad), this.view(losses), shape, subnormals),
      dropout: (x, y, draw) => dropout(this.view(x), this.view(y), draw, subnormals),
      fingerprint: (a, out) => fingerprint(this.view(a), this.view(out)),
      im2row: (x, cols, shape) => im2row(this.view(x), this.view(cols), shape),
      row2im: (cols, x, shape) => row2im(this.view(cols), this.view(x), shape, subnormals),
      transpose: (x, y, bias, batches, rows, cols) =>
        transpose(this.view(x), this.view(y), bias && this.view(bias), batches, rows, cols, subnormals),
      pool: (x, y, indices, shape, mode) => pool(this.view(x), this.view(y), indices && this.view(indices), shape, mode, subnormals),
      poolBackward: (dy, dx, indices, shape, mode) =>
        poolBackward(this.view(dy), this.view(dx), indices && this.view(indices), shape, mode, subnormals),
      channelSums: (a, b, mean, invStd, out, shape, sum) => channelSums(this.view(a), b && this.view(b), mean && this.view(mean),
        invStd && this.view(invStd), this.view(out), shape, sum, subnormals),
      batchNorm: (x, mean, invStd, scale, bias, y, shape) => batchNorm(this.view(x), this.view(mean), this.view(invStd),
        this.view(scale), this.view(bias), this.view(y), shape, subnormals),
      batchNormBackward: (x, dy, mean, invStd, scale, dscale, dbias, dx, shape) => batchNormBackward(this.view(x),
        this.view(dy), this.view(mean), this.view(invStd), this.view(scale), this.view(dscale), this.view(dbias), this.view(dx),
        shape, subnormals),
      countNonFinite: (a) => this.view(a).reduce((count, x) => count + (Number.isFinite(x) ? 0 : 1), 0),
      fill: (a, value) => this.view(a).fill(value),
      copy: (src, dst) => this.view(dst).set(this.view(src)),
    };
  }

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

  async read(src: DeviceArray): Promise<Float32Array> {
    return this.download(src);
  }
}
