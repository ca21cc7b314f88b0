import type { Device, SubnormalMode } from "../runtime/Device.js";
import { DeviceArray } from "../runtime/DeviceArray.js";
import { rounding } from "./js/rounding.js";

/**
 * Operands where a quotient or root is hardest to round: exact quotients, powers of
 * two, near overflow, subnormal operands, subnormal results with ties, roots just
 * below 2 and 4, zeros, infinities, NaN and negative roots.
 */
const HARD_CASES: [number, number][] = [
  [1, 3], [2, 3], [6, 3], [1, 4], [-7, 2], [1 + 2 ** -23, 1 + 2 ** -22], [2 - 2 ** -23, 1 + 2 ** -23],
  [3.4028234663852886e38, 0.5], [3.4028234663852886e38, 1 + 2 ** -23], [2 ** -126, 2 ** 24], [3 * 2 ** -149, 2],
  [2 ** -126 * 1.5, 2 ** 24], [2 ** -149, 3], [5 * 2 ** -149, 7 * 2 ** -149], [1e-30, 1e30], [1e30, 1e-30],
  [4 - 2 ** -21, 2 ** -126], [0, 5], [-0, 5], [5, 0], [0, 0], [Infinity, 2], [2, -Infinity], [Infinity, Infinity],
  [NaN, 1], [-1, 1], [2 ** -149, 1], [1e-45, 1e-45],
];

/**
 * Copies `values` from a view at offset 3 of one array to a view at offset 5 of another
 * and reads them back: every bit must come back, and the elements before the view stay +0
 * (catches drivers that accept float targets and get them wrong). `checkErrors` runs after
 * the read (a device's own error query); `copied` says in the message what was done.
 */
export async function checkCopies(device: Device, values: Float32Array, fail: (message: string) => Error,
  copied: (value: number) => string, checkErrors: () => void = () => undefined): Promise<void> {
  const source = DeviceArray.allocate(device, [values.length + 3]);
  const target = DeviceArray.allocate(device, [values.length + 5]);
  try {
    source.view(3, [values.length]).set(values);
    device.kernels.copy!(source.view(3, [values.length]), target.view(5, [values.length]));
    const back = await device.read(target);
    checkErrors();
    for (let i = 0; i < values.length; i++) {
      if (!Object.is(back[5 + i], values[i])) throw fail(`${copied(values[i])} and read back ${back[5 + i]}`);
    }
    if (back.subarray(0, 5).some((v) => !Object.is(v, 0))) throw fail("a pass wrote outside its range");
  } finally {
    source.dispose();
    target.dispose();
  }
}

/**
 * The sigmoid gradient (dy * y) * (1 - y) with dy = 2^-100, y = 2^-30 on `device`: exactly
 * 2^-130, a subnormal, or 0 on a GPU that flushes subnormals.
 */
export async function subnormalProduct(device: Device): Promise<number> {
  const arrays = [2 ** -30, 2 ** -100, 0].map((value) => {
    const array = DeviceArray.allocate(device, [1]);
    if (value) array.set([value]);
    return array;
  });
  const [y, dy, dx] = arrays;
  try {
    device.kernels.sigmoidBackward!({ y, dy, dx }, [{ end: 1, scalars: [] }]);
    return (await device.read(dx))[0];
  } finally {
    arrays.forEach((a) => a.dispose());
  }
}

/**
 * A GPU device's strict division and square root (`arithmetic` writes out = a / b or
 * sqrt(a) elementwise) on the hard cases, against the float32 results; the first
 * difference is thrown as `fail`'s error.
 */
export async function checkHardCases(device: Device & { subnormals: SubnormalMode },
  arithmetic: (op: "div" | "sqrt", a: DeviceArray, b: DeviceArray, out: DeviceArray) => void,
  fail: (message: string) => Error): Promise<void> {
  const f = rounding(device.subnormals);
  const a = Float32Array.from(HARD_CASES, ([x]) => x);
  const b = Float32Array.from(HARD_CASES, ([, y]) => y);
  const arrays = [a, b, a].map((values) => DeviceArray.allocate(device, [values.length]));
  try {
    arrays[0].set(a);
    arrays[1].set(b);
    for (const [op, expected] of [["div", (x: number, y: number) => f(f(x) / f(y))], ["sqrt", (x: number) => f(Math.sqrt(f(x)))]] as const) {
      arithmetic(op, arrays[0], arrays[1], arrays[2]);
      const got = await device.read(arrays[2]);
      got.forEach((value, i) => {
        const want = expected(a[i], b[i]);
        if (!Object.is(value, want) && !(Number.isNaN(value) && Number.isNaN(want))) {
          throw fail(`the strict ${op} of ${a[i]}${op === "div" ? ` by ${b[i]}` : ""} gave ${value}; the float32 result is ${want}`);
        }
      });
    }
  } finally {
    arrays.forEach((array) => array.dispose());
  }
}
