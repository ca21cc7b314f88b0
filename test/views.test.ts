// Every kernel on views at every alignment: webgl2 keeps four elements per texel, so a
// view may start or end inside a texel and its inputs may sit at other alignments
// than its output. Each case runs on views at output offset 0..3 with the inputs
// shifted by 0..3 more, in buffers full of other values, and must leave every buffer,
// inside the views and around them, with the bits the js device leaves.
import { describe, it } from "vitest";
import { DeviceArray, getDevice, randn, type Device } from "../src/index.js";
import { kernel, runElementwise } from "../src/runtime/kernels.js";
import { devicesUnderTest, expectSameBits, flushesSubnormals } from "./helpers.js";

interface Case {
  name: string;
  /** Element counts of the views the kernel takes. */
  sizes: number[];
  /** Views written: they sit at the output offset, the others at the input offset. */
  written: number[];
  run(device: Device, views: DeviceArray[]): number | null | void;
  /** Changes the random values of a buffer whose view starts at `start` and holds `size` elements. */
  prepare?(values: Float32Array, start: number, size: number): void;
}

const GUARD = 12;
const f = Math.fround;
const scalars = { learnRate: f(0.01), alpha: f(0.95), b: f(1 - f(0.95)), momRate: f(0.9), epsilon: f(1e-4) };
const matmulCase = (m: number, k: number, n: number, form: "xW" | "xTdy" | "dyWT" | "every other", bias: boolean): Case => {
  const strides = {
    xW: { aRow: k, aCol: 1, bRow: n, bCol: 1 },
    xTdy: { aRow: 1, aCol: m, bRow: n, bCol: 1 },
    dyWT: { aRow: k, aCol: 1, bRow: 1, bCol: k },
    // Every other element of larger matrices: neither rows nor columns contiguous.
    "every other": { aRow: 2 * k, aCol: 2, bRow: 2 * n, bCol: 2 },
  }[form];
  const spread = form === "every other" ? 2 : 1;
  return {
    name: `matmul ${form} ${m}x${k}x${n}${bias ? " + bias" : ""}`,
    sizes: [spread * m * k, spread * k * n, m * n, ...(bias ? [n] : [])], written: [2],
    run: (d, [a, b, out, biasView]) => kernel(d, "matmul")(a, b, out, biasView ?? null, { m, k, n, ...strides }),
  };
};

const CASES: Case[] = [
  ...[1, 3, 6, 13].map((n): Case => ({ name: `copy ${n}`, sizes: [n, n], written: [1], run: (d, [a, b]) => kernel(d, "copy")(a, b) })),
  { name: "fill 7", sizes: [7], written: [0], run: (d, [a]) => kernel(d, "fill")(a, 2.5) },
  { name: "addScaled 9", sizes: [9, 9], written: [1], run: (_, [x, y]) => runElementwise("addScaled", { x, y }, { scale: f(0.3) }) },
  ...(["relu", "tanh", "sigmoid"] as const).flatMap((kind): Case[] => [
    { name: `${kind} forward 11`, sizes: [11, 11], written: [1], run: (_, [x, y]) => runElementwise(kind, { x, y }) },
    { name: `${kind} backward 10`, sizes: [10, 10, 10], written: [2], run: (_, [y, dy, dx]) => runElementwise(`${kind}Backward`, { y, dy, dx }) },
  ]),
  {
    name: "mse 10", sizes: [10, 10, 10, 1], written: [2, 3], run: (d, [pred, target, grad, error]) => {
      runElementwise("mseGradient", { pred, target, grad }, { size: 10 });
      kernel(d, "mseError")(pred, target, error);
    },
  },
  { name: "columnSums 3x5", sizes: [15, 5], written: [1], run: (d, [a, out]) => kernel(d, "columnSums")(a, out, 3, 5) },
  { name: "columnSums 2x8", sizes: [16, 8], written: [1], run: (d, [a, out]) => kernel(d, "columnSums")(a, out, 2, 8) },
  {
    name: "countNonFinite 2500", sizes: [2500], written: [], run: (d, [a]) => kernel(d, "countNonFinite")(a),
    prepare: (values, start, size) => {
      // Non-finite values inside the view (counted) and in the guard around it (not counted).
      for (const at of [0, 1, 1024, 1500, size - 1]) values[start + at] = at % 2 ? NaN : -Infinity;
      values[start - 1 < 0 ? size + start : start - 1] = NaN;
      values[start + size] = Infinity;
    },
  },
  matmulCase(3, 5, 4, "xW", true),
  matmulCase(3, 6, 6, "xW", true),
  matmulCase(5, 3, 8, "xTdy", false),
  matmulCase(2, 7, 9, "xTdy", false),
  matmulCase(3, 9, 4, "dyWT", false),
  matmulCase(2, 5, 7, "dyWT", false),
  // Shapes whose rows and columns step by whole texels: four rows at a time on webgl2
  // (at output offset 0 with the inputs unshifted), rows past m included.
  matmulCase(6, 8, 8, "xW", true),
  matmulCase(2, 4, 4, "xW", true),
  matmulCase(8, 6, 4, "xTdy", false),
  matmulCase(5, 8, 4, "dyWT", false),
  matmulCase(3, 5, 6, "every other", true),
  {
    name: "rmspropGraves 13, three segments", sizes: [13, 13, 13, 13, 13], written: [0, 2, 3, 4],
    run: (_, [param, grad, mg, ms, delta]) => runElementwise("rmspropGraves", { param, grad, mg, ms, delta }, [
      { end: 3, scalars: { ...scalars, learnRate: f(0.01), momRate: f(0.9) } },
      { end: 6, scalars: { ...scalars, learnRate: f(0.02), momRate: 0.5 } },
      { end: 13, scalars: { ...scalars, learnRate: f(0.005), momRate: 0.75 } },
    ]),
  },
];

/** Runs `c` on `device` with views at `out` and `out + shift`; returns every buffer's values and the kernel's result. */
async function runCase(name: Parameters<typeof getDevice>[0], c: Case, out: number, shift: number) {
  const device = await getDevice(name);
  const starts = c.sizes.map((_, i) => (c.written.includes(i) ? out : out + shift));
  const arrays = c.sizes.map((size, i) => {
    const values = randn([size + GUARD], 100 + i);
    c.prepare?.(values, starts[i], size);
    const array = DeviceArray.allocate(device, [size + GUARD]);
    array.set(values);
    return array;
  });
  try {
    const views = arrays.map((a, i) => a.view(starts[i], [c.sizes[i]]));
    const result = c.run(device, views);
    return { buffers: await Promise.all(arrays.map((a) => a.read())), result, flush: flushesSubnormals(device) };
  } finally {
    arrays.forEach((a) => a.dispose());
  }
}

describe.each(devicesUnderTest())("kernels on views at any alignment on %s", (name) => {
  // webgpu has no countNonFinite kernel: its update() guards the step on the device instead
  // (test/webgpu/elementwise.ts tests the guard).
  const cases = CASES.filter((c) => name !== "webgpu" || !c.name.startsWith("countNonFinite"));
  it.each(cases.map((c) => [c.name, c] as const))("%s: the js device's bits in and around the views", async (_, c) => {
    for (let out = 0; out < 4; out++) {
      for (let shift = 0; shift < 4; shift++) {
        const actual = await runCase(name, c, out, shift);
        const expected = await runCase("js", c, out, shift);
        const where = `${c.name}, output offset ${out}, inputs at ${out + shift}`;
        actual.buffers.forEach((buffer, i) => expectSameBits(buffer, expected.buffers[i], `${where}, array ${i}`,
          { flushesSubnormals: actual.flush }));
        if (actual.result !== expected.result) {
          expectSameBits(Float32Array.of(actual.result as number), Float32Array.of(expected.result as number), `${where}, result`);
        }
      }
    }
  });
});
