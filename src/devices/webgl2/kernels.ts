import type { ElementwiseKernel, KernelTable, Run } from "../../runtime/Device.js";
import { DeviceArray } from "../../runtime/DeviceArray.js";
import { DEFINITIONS, type ElementwiseName } from "../../kernels/index.js";
import { MAX_RUNS, readArrays, writtenArrays, type ElementwiseDefinition } from "../../kernels/vocabulary.js";
import type { WebGL2Device } from "./index.js";
import { aligned, sameLanes, type TextureBuffer } from "./passes.js";
import { matmul } from "./matmul.js";
import { FINGERPRINT_CHUNK } from "../../kernels/fingerprint.js";
import { windowKernels } from "./windows.js";

/** Elements counted per output element of glsl/countNonFinite.glsl: a fragment counts four such chunks. */
const CHUNK = 1024;

/** Whether arrays can be one draw's render targets: one offset, one texture geometry, a buffer each. */
function oneGeometry(arrays: DeviceArray[]): boolean {
  const first = arrays[0].buffer as TextureBuffer;
  return arrays.every((a) => {
    const { shape } = a.buffer as TextureBuffer;
    return a.offset === arrays[0].offset && shape.shift === first.shape.shift && shape.rows === first.shape.rows;
  }) && new Set(arrays.map((a) => a.buffer)).size === arrays.length;
}

/**
 * An elementwise kernel rendered to glsl/generated/: one draw call writes every written
 * array through its own render target. Render targets share fragment coordinates, so
 * several written arrays must sit at one offset in buffers of one geometry, as optimizer
 * state always does; other views are staged through copies. Several runs are one draw
 * (RUNS, up to MAX_RUNS), more are drawn a run at a time.
 */
export function elementwise(device: WebGL2Device, definition: ElementwiseDefinition): ElementwiseKernel {
  const { name } = definition;
  const read = readArrays(definition);
  const written = writtenArrays(definition);
  const run: ElementwiseKernel = (arrays, runs) => {
    if (runs.length > MAX_RUNS) {
      let start = 0;
      for (const { end, scalars } of runs) {
        const part = Object.fromEntries(Object.entries(arrays).map(([n, a]) => [n, a.view(start, [end - start])]));
        run(part, [{ end: end - start, scalars }]);
        start = end;
      }
      return;
    }
    const targets = written.map((n) => arrays[n]);
    if (targets.length > 1 && !oneGeometry(targets)) {
      const staged = Object.fromEntries(written.map((n) => {
        const copy = DeviceArray.allocate(device, arrays[n].shape);
        if (read.includes(n)) device.kernels.copy(arrays[n], copy);
        return [n, copy];
      }));
      run({ ...arrays, ...staged }, runs);
      for (const n of written) {
        device.kernels.copy(staged[n], arrays[n]);
        staged[n].dispose();
      }
      return;
    }
    device.passes.run({
      program: name,
      inputs: Object.fromEntries(read.map((n) => [n, arrays[n]])),
      outputs: targets,
      uniforms: scalarUniforms(definition.scalars, runs),
      defines: { RUNS: runs.length > 1, ALIGNED: sameLanes(targets[0], ...read.map((n) => arrays[n])) },
    });
  };
  return run;
}

/** One run: a float uniform per scalar. Several: their ends and each scalar's values, four per vec4. */
function scalarUniforms(names: readonly string[], runs: readonly Run[]): Record<string, number | Float32Array | Int32Array> {
  if (runs.length === 1) return Object.fromEntries(names.map((n, i) => [n, runs[0].scalars[i]]));
  const uniforms: Record<string, number | Float32Array | Int32Array> = {
    runs: runs.length, runEnd: Int32Array.from({ length: MAX_RUNS }, (_, r) => runs[r]?.end ?? 0),
  };
  names.forEach((n, i) => (uniforms[n] = Float32Array.from({ length: MAX_RUNS }, (_, r) => runs[r]?.scalars[i] ?? 0)));
  return uniforms;
}

/** The webgl2 device's kernel table. */
export function webgl2Kernels(device: WebGL2Device): KernelTable {
  const rendered = Object.fromEntries(Object.keys(DEFINITIONS).map((name) =>
    [name, elementwise(device, DEFINITIONS[name as ElementwiseName])])) as Record<ElementwiseName, ElementwiseKernel>;
  return {
    ...rendered,
    ...windowKernels(device),
    matmul: (a, b, out, bias, shape) => matmul(device, a, b, out, bias, shape),
    columnSums: (a, out, rows, cols) => device.passes.run({
      program: "columnSums", inputs: { a }, outputs: [out], count: cols, uniforms: { rows, cols },
      defines: { ALIGNED: aligned(cols) && sameLanes(out, a) },
    }),
    // One fragment sums in element order.
    mseError: (pred, target, out) => device.passes.run({
      program: "mseError", inputs: { pred, target }, outputs: [out], uniforms: { size: pred.size },
      defines: { ALIGNED: aligned(pred.offset, target.offset) },
    }),
    softmax: (x, y, { classes, positions }) => device.passes.run({
      program: "softmax", inputs: { x }, outputs: [y], uniforms: { classes, positions },
    }),
    crossEntropy: (x, labels, weights, grad, losses, { n, classes, positions }) => {
      const inputs = { x, labels, ...(weights ? { weights } : {}) };
      const uniforms = { classes, positions, n };
      device.passes.run({ program: "softmax", inputs, outputs: [grad], uniforms, defines: { GRAD: true, WEIGHTED: !!weights } });
      device.passes.run({ program: "softmax", inputs, outputs: [losses], uniforms, defines: { LOSS: true, WEIGHTED: !!weights } });
    },
    dropout: (x, y, { first, key0, key1, threshold, keep }) => device.passes.run({
      program: "dropout", inputs: { x }, outputs: [y], uniforms: { first, key0, key1, threshold, keep },
      defines: { ALIGNED: sameLanes(y, x) },
    }),
    // One fragment (an output texel) per chunk.
    fingerprint: (a, out) => {
      if (out.offset % 4 !== 0) throw new Error(`fingerprint: the output's offset ${out.offset} is not a multiple of 4`);
      device.passes.run({ program: "fingerprint", inputs: { a }, outputs: [out], uniforms: { size: a.size, chunk: FINGERPRINT_CHUNK } });
    },
    // One output element per chunk of CHUNK elements, then the chunks' counts are read back and added.
    countNonFinite: (a) => {
      if (a.size === 0) return 0;
      const counts = device.scratch(Math.ceil(a.size / CHUNK));
      device.passes.run({
        program: "countNonFinite", inputs: { a }, outputs: [counts], uniforms: { size: a.size, chunk: CHUNK },
        defines: { ALIGNED: aligned(a.offset) },
      });
      return counts.get().reduce((sum, count) => sum + count, 0);
    },
    fill: (a, value) => device.passes.run({ program: "fill", outputs: [a], uniforms: { value } }),
    // When source and destination share a texture, the pass runner ping-pongs.
    copy: (src, dst) => device.passes.run({ program: "copy", inputs: { src }, outputs: [dst], defines: { ALIGNED: sameLanes(dst, src) } }),
  };
}
