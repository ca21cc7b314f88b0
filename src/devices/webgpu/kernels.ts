import type { ElementwiseKernel, KernelTable } from "../../runtime/Device.js";
import type { DeviceArray } from "../../runtime/DeviceArray.js";
import { DEFINITIONS, type ElementwiseName } from "../../kernels/index.js";
import { allArrays, writtenArrays, type ElementwiseDefinition } from "../../kernels/vocabulary.js";
import type { GPUArrayBuffer, WebGPUDevice } from "./index.js";

/**
 * An elementwise kernel rendered to wgsl/generated/: one dispatch per run, each array
 * bound whole with its offset (plus the run's start) as a parameter, the run's scalars
 * as their float32 bits; an invocation computes four elements.
 */
function elementwise(device: WebGPUDevice, definition: ElementwiseDefinition): ElementwiseKernel {
  const names = allArrays(definition);
  const written = new Set(writtenArrays(definition));
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  return (arrays, runs) => {
    let start = 0;
    for (const { end, scalars } of runs) {
      const count = end - start;
      const bindings = names.map((n) => ({ array: arrays[n].view(start, [count]), written: written.has(n) }));
      const values = scalars.map((s) => {
        asFloat[0] = s;
        return bits[0];
      });
      device.dispatch(definition.name, bindings, { count, values, invocations: Math.ceil(count / 4) });
      start = end;
    }
  };
}

/** Copies src into dst; through a temporary buffer where both are in one (WebGPU copies between two buffers only). */
function copy(device: WebGPUDevice, src: DeviceArray, dst: DeviceArray): void {
  if (src.size === 0) return;
  const encoder = device.commands();
  const from = (src.buffer as GPUArrayBuffer).gpu;
  const to = (dst.buffer as GPUArrayBuffer).gpu;
  if (from === to) {
    const staged = device.temporary(src.size);
    encoder.copyBufferToBuffer(from, src.offset * 4, staged, 0, src.size * 4);
    encoder.copyBufferToBuffer(staged, 0, to, dst.offset * 4, src.size * 4);
  } else {
    encoder.copyBufferToBuffer(from, src.offset * 4, to, dst.offset * 4, src.size * 4);
  }
}

/** The webgpu device's kernel table: every elementwise definition, the products and the reductions it has so far. */
export function webgpuKernels(device: WebGPUDevice): Partial<KernelTable> {
  const rendered = Object.fromEntries(Object.keys(DEFINITIONS).map((name) =>
    [name, elementwise(device, DEFINITIONS[name as ElementwiseName])])) as Record<ElementwiseName, ElementwiseKernel>;
  return {
    ...rendered,
    matmul: (a, b, out, bias, { m, k, n, aRow, aCol, bRow, bCol }) => device.dispatch("matmul",
      [{ array: a }, { array: b }, { array: bias }, { array: out, written: true }],
      { values: [m, k, n, aRow, aCol, bRow, bCol], invocations: m * Math.ceil(n / 4), constants: { HAS_BIAS: bias ? 1 : 0 } }),
    columnSums: (a, out, rows, cols) => device.dispatch("columnSums", [{ array: a }, { array: out, written: true }],
      { values: [rows, cols], invocations: Math.ceil(cols / 4) }),
    transpose: (x, y, bias, batches, rows, cols) => device.dispatch("transpose",
      [{ array: x }, { array: bias }, { array: y, written: true }],
      { values: [batches, rows, cols], invocations: Math.ceil(x.size / 4), constants: { HAS_BIAS: bias ? 1 : 0 } }),
    fill: (a, value) => {
      if (Object.is(value, 0)) {
        if (a.size > 0) device.commands().clearBuffer((a.buffer as GPUArrayBuffer).gpu, a.offset * 4, a.size * 4);
      } else {
        a.set(new Float32Array(a.size).fill(value));
      }
    },
    copy: (src, dst) => copy(device, src, dst),
  };
}
