import { describe, it, expect } from "vitest";
import { getDevice, randn, DeviceArray, type Device, type ActivationKind } from "../src/index.js";
import { kernel, runElementwise } from "../src/runtime/kernels.js";
import { devicesUnderTest, expectSameBits, flushesSubnormals } from "./helpers.js";

const EPS32 = 2 ** -24;

function upload(device: Device, values: Float32Array, shape: number[]): DeviceArray {
  const a = DeviceArray.allocate(device, shape);
  a.set(values);
  return a;
}

/** float64 product of op(A) and op(B), and the bound sum |a||b| used for the error tolerance. */
function matmul64(a: Float32Array, b: Float32Array, m: number, k: number, n: number,
  at: (i: number, p: number) => number, bt: (p: number, j: number) => number) {
  const out = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < k; p++) {
        out[i * n + j] += a[at(i, p)] * b[bt(p, j)];
        scale[i * n + j] += Math.abs(a[at(i, p)] * b[bt(p, j)]);
      }
    }
  }
  return { out, scale };
}

// Odd sizes so that the SIMD blocks of sixteen and of four and the scalar tails all run.
const M = 7, K = 13, N = 37;

describe.each(devicesUnderTest())("network kernels on %s", (name) => {
  it("matmul computes xW + b, xᵀ·dy and dy·Wᵀ within the float32 summation bound, with the js bits", async () => {
    const device = await getDevice(name);
    const js = await getDevice("js");
    const x = randn([M, K], 1), W = randn([K, N], 2), bias = randn([N], 3), dy = randn([M, N], 4);
    const cases = [
      { what: "x·W + b", a: x, b: W, bias, m: M, k: K, n: N, aRow: K, aCol: 1, bRow: N, bCol: 1 },
      { what: "xᵀ·dy", a: x, b: dy, bias: null, m: K, k: M, n: N, aRow: 1, aCol: K, bRow: N, bCol: 1 },
      { what: "dy·Wᵀ", a: dy, b: W, bias: null, m: M, k: N, n: K, aRow: N, aCol: 1, bRow: 1, bCol: N },
    ];
    for (const { what, a, b, bias: bv, ...shape } of cases) {
      const run = async (d: Device) => {
        const out = DeviceArray.allocate(d, [shape.m, shape.n]);
        const arrays = [upload(d, a, [a.length]), upload(d, b, [b.length]), bv && upload(d, bv, [bv.length])];
        kernel(d, "matmul")(arrays[0]!, arrays[1]!, out, arrays[2], shape);
        const result = (await out.read());
        for (const array of [out, ...arrays]) array?.dispose();
        return result;
      };
      const got = await run(device);
      const { out, scale } = matmul64(a, b, shape.m, shape.k, shape.n,
        (i, p) => i * shape.aRow + p * shape.aCol, (p, j) => p * shape.bRow + j * shape.bCol);
      for (let i = 0; i < got.length; i++) {
        const exact = out[i] + (bv ? bv[i % shape.n] : 0);
        const bound = (shape.k + 2) * EPS32 * (scale[i] + (bv ? Math.abs(bv[i % shape.n]) : 0)) + 1e-30;
        expect(Math.abs(got[i] - exact), `${what} element ${i}`).toBeLessThanOrEqual(bound);
      }
      expectSameBits(got, await run(js), what);
    }
  });

  it("matmul's register blocks and their edges (every m, n around the blocks, every form, both subnormal modes) give the js bits", async () => {
    for (const subnormals of ["keep", "flush"] as const) {
      const device = await getDevice(name, { subnormals });
      const js = await getDevice("js", { subnormals });
      // Three scales of A and B: plain; subnormal A with B near 2^24 (normal products in
      // "keep", zeros where operands are flushed); both near 2^-70 (subnormal products).
      // A GPU that flushes subnormals cannot keep them: "keep" there has the second scale
      // out of reach (see docs/devices.md), and zeros for the third's subnormal results.
      const flushes = subnormals === "keep" && flushesSubnormals(device);
      for (const [sa, sb] of [[1, 1], ...(flushes ? [] : [[2 ** -130, 2 ** 24]]), [2 ** -70, 2 ** -70]]) {
        for (const m of [1, 3, 4, 5, 8, 9]) {
          for (const n of [1, 4, 7, 8, 9, 12, 16, 17]) {
            const k = 1 + ((m * n) % 6);
            for (const [form, aRow, aCol, bRow, bCol, spread] of [
              ["xW", k, 1, n, 1, 1], ["xTdy", 1, m, n, 1, 1], ["dyWT", k, 1, 1, k, 1], ["every other", 2 * k, 2, 2 * n, 2, 2],
            ] as const) {
              const a = randn([spread * m * k], m).map((v) => v * sa);
              const b = randn([spread * k * n], n).map((v) => v * sb);
              const bias = randn([n], 7).map((v) => v * sa * sb);
              const run = async (d: Device) => {
                const arrays = [upload(d, a, [a.length]), upload(d, b, [b.length]), upload(d, bias, [n])];
                const out = DeviceArray.allocate(d, [m, n]);
                kernel(d, "matmul")(arrays[0], arrays[1], out, form === "xW" ? arrays[2] : null, { m, k, n, aRow, aCol, bRow, bCol });
                const result = (await out.read());
                [out, ...arrays].forEach((array) => array.dispose());
                return result;
              };
              expectSameBits(await run(device), await run(js), `${subnormals}, scales ${sa}, ${sb}: ${form} ${m}x${k}x${n}`,
                { flushesSubnormals: flushes });
            }
          }
        }
      }
    }
  });

  it("columnSums sums each column in row order", async () => {
    const device = await getDevice(name);
    const values = randn([M, N], 5);
    const a = upload(device, values, [M, N]);
    const out = DeviceArray.allocate(device, [N]);
    kernel(device, "columnSums")(a, out, M, N);
    const got = (await out.read());
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let i = 0; i < M; i++) acc = Math.fround(acc + values[i * N + j]);
      expect(got[j]).toBe(acc);
    }
    a.dispose();
    out.dispose();
  });

  const exact: Record<ActivationKind, [(x: number) => number, (y: number) => number]> = {
    relu: [(x) => Math.max(x, 0), (y) => (y > 0 ? 1 : 0)],
    tanh: [Math.tanh, (y) => 1 - y * y],
    sigmoid: [(x) => 1 / (1 + Math.exp(-x)), (y) => y * (1 - y)],
  };

  it.each(["relu", "tanh", "sigmoid"] as const)("%s forward and backward are within 4 ULP of float64 (2^-126 absolute near underflow) and give the js bits", async (kind) => {
    const device = await getDevice(name);
    const js = await getDevice("js");
    // Inputs across the whole useful range, including 0, tiny values and both tails.
    const xs = Float32Array.from([0, -0, 1e-30, -1e-8, 0.1, -0.2499, 0.25, 0.5, -1, 3, -9, 20, -90, 100,
      ...randn([1001], 6).map((v) => v * 4)]);
    const dys = randn([xs.length], 8);
    const run = async (d: Device) => {
      const [x, dy] = [upload(d, xs, [xs.length]), upload(d, dys, [xs.length])];
      const [y, dx] = [DeviceArray.allocate(d, [xs.length]), DeviceArray.allocate(d, [xs.length])];
      runElementwise(kind, { x, y });
      runElementwise(`${kind}Backward`, { y, dy, dx });
      const result = [(await y.read()), (await dx.read())];
      for (const a of [x, dy, y, dx]) a.dispose();
      return result;
    };
    const [y, dx] = await run(device);
    const [f, fPrime] = exact[kind];
    for (let i = 0; i < xs.length; i++) {
      const want = f(xs[i]);
      // 4 ULP of the result, or, for results below the smallest normal float32 (sigmoid of
      // x < -87, where e^-x is clamped), an absolute error below 2^-126.
      const ulp = Math.abs(want) * EPS32 * 2;
      expect(Math.abs(y[i] - want), `${kind}(${xs[i]})`).toBeLessThanOrEqual(Math.max(4 * ulp, 2 ** -126));
      // The derivative from the float32 output: only the output's rounding error, amplified by f''.
      expect(Math.abs(dx[i] - dys[i] * fPrime(y[i])), `${kind}'(${xs[i]})`).toBeLessThanOrEqual(1e-6 * Math.abs(dys[i]) + 1e-30);
    }
    const [yJs, dxJs] = await run(js);
    expectSameBits(y, yJs, `${kind} forward`, { flushesSubnormals: flushesSubnormals(device) });
    expectSameBits(dx, dxJs, `${kind} backward`, { flushesSubnormals: flushesSubnormals(device) });
  });

  it("mse gives PuzzleLib's error and gradient", async () => {
    const device = await getDevice(name);
    const n = 37;
    const pred = randn([n], 9), target = randn([n], 10);
    const [p, t] = [upload(device, pred, [n]), upload(device, target, [n])];
    const grad = DeviceArray.allocate(device, [n]);
    runElementwise("mseGradient", { pred: p, target: t, grad }, { size: n });
    const errorArray = DeviceArray.allocate(device, [1]);
    kernel(device, "mseError")(p, t, errorArray);
    const error = (await errorArray.read())[0];
    errorArray.dispose();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (pred[i] - target[i]) ** 2;
    expect(Math.abs(error - sum / (2 * n))).toBeLessThan(1e-6 * (sum / (2 * n)));
    const g = (await grad.read());
    for (let i = 0; i < n; i++) expect(Math.abs(g[i] - (pred[i] - target[i]) / n)).toBeLessThan(1e-7);
    grad.fill(0);
    runElementwise("mseGradient", { pred: p, target: t, grad }, { size: n });
    expectSameBits((await grad.read()), g, "the gradient again");
    for (const a of [p, t, grad]) a.dispose();
  });

  it("fill and copy move exact values, views included", async () => {
    const device = await getDevice(name);
    const a = DeviceArray.allocate(device, [9]);
    a.view(2, [5]).fill(-1.5);
    expect([...(await a.read())]).toEqual([0, 0, -1.5, -1.5, -1.5, -1.5, -1.5, 0, 0]);
    const b = upload(device, Float32Array.from([1, 2, 3]), [3]);
    kernel(device, "copy")(b, a.view(6, [3]));
    expect([...(await a.read())]).toEqual([0, 0, -1.5, -1.5, -1.5, -1.5, 1, 2, 3]);
    a.dispose();
    b.dispose();
  });
});
