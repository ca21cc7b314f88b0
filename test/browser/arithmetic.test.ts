// The strict operations of glsl/common.glsl against the js reference, operand by
// operand: random bit patterns over the whole float32 range (subnormals, infinities
// and NaN included), operands in the value ranges the update divides and roots, the
// hard cases of rounding, and results near overflow and around 2^-126. Division and
// square root finish in integer arithmetic, so they must be correctly rounded on
// every GPU, subnormals too, in both modes;
// + - * are the GPU's own under a barrier, so a GPU that flushes subnormals may differ
// there in "keep" mode (and only there).
import { describe, it, expect } from "vitest";
import { getDevice, DeviceArray, Random } from "../../src/index.js";
import { WebGL2Device, type StrictOperation } from "../../src/devices/webgl2/index.js";
import { rounding } from "../../src/devices/js/rounding.js";
import { expectSameBits } from "../helpers.js";

const N = 1 << 20;
const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);
const fromBits = (u: number) => {
  bits[0] = u;
  return asFloat[0];
};

/** Half random bit patterns, half operands as the update makes them. */
function operands(seed: number, op: StrictOperation): [Float32Array, Float32Array] {
  const random = new Random(seed);
  const a = new Float32Array(N);
  const b = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    if (i & 1) {
      a[i] = fromBits(random.nextUint32());
      b[i] = fromBits(random.nextUint32());
    } else {
      // learnRate * g over sqrt((ms - mg^2) + epsilon): a in +-[1e-12, 1e2], b in [1e-6, 1e3].
      a[i] = (random.uniform() < 0.5 ? -1 : 1) * 10 ** (-12 + 14 * random.uniform());
      b[i] = 10 ** (op === "sqrt" ? -12 + 14 * random.uniform() : -6 + 9 * random.uniform());
    }
  }
  // Exact quotients and roots, powers of two and their neighbours.
  for (let i = 0; i < 4096; i++) {
    const q = fromBits((random.nextUint32() & 0x807fffff) | 0x3f800000);
    a[2 * i] = Math.fround(q * (i + 1));
    b[2 * i] = i + 1;
    a[2 * i + 1] = op === "sqrt" ? Math.fround((i + 1) * (i + 1)) : 2 ** ((i % 250) - 125);
    b[2 * i + 1] = 2 ** (((i * 7) % 250) - 125) * (i & 1 ? 1 + 2 ** -23 : 1 - 2 ** -24);
  }
  // Results at the edges of the range: near overflow (the largest floats over operands
  // near 1, either side) and straddling 2^-126 (operands near 2^-126 and near 1).
  for (let i = 8192; i < 16384; i += 2) {
    const near1 = fromBits(0x3f800000 + ((random.nextUint32() % 64) - 32));
    a[i] = fromBits(0x7f7fffff - (random.nextUint32() % 256));
    b[i] = op === "mul" ? near1 * 0.5 : near1;
    a[i + 1] = fromBits(0x00800000 + ((random.nextUint32() % 512) - 256)) * (i & 2 ? -1 : 1);
    b[i + 1] = near1;
  }
  return [a, b];
}

function expected(op: StrictOperation, a: Float32Array, b: Float32Array, subnormals: "keep" | "flush"): Float32Array {
  const f = rounding(subnormals);
  return a.map((_, i) => {
    const x = f(a[i]), y = f(b[i]);
    return f(op === "add" ? x + y : op === "sub" ? x - y : op === "mul" ? x * y : op === "div" ? x / y : Math.sqrt(x));
  });
}

describe.each(["keep", "flush"] as const)("strict arithmetic on webgl2, subnormals %s", (subnormals) => {
  it.each(["div", "sqrt", "add", "sub", "mul"] as const)(`%s of ${N} operand pairs has the js reference's bits`, async (op) => {
    const device = await getDevice("webgl2", { subnormals });
    if (!(device instanceof WebGL2Device)) throw new Error("webgl2 did not open");
    const [a, b] = operands(op.length * 7 + 1, op);
    const arrays = [a, b, a].map((values) => DeviceArray.allocate(device, [values.length]));
    try {
      arrays[0].set(a);
      arrays[1].set(b);
      device.arithmetic(op, arrays[0], arrays[1], arrays[2]);
      const got = arrays[2].get();
      const want = expected(op, a, b, subnormals);
      // Only + - * in "keep" mode depend on the GPU keeping subnormals (measured at init).
      const flushes = subnormals === "keep" && device.flushesSubnormals && (op === "add" || op === "sub" || op === "mul");
      expectSameBits(got, flushes ? expected(op, a, b, "flush") : want, `${op} on ${device.renderer}`,
        { flushesSubnormals: flushes });
      // The check is not vacuous: operands are subnormal, and so are results ("keep") or
      // the flushed results differ from IEEE ones ("flush").
      const subnormal = (v: number) => v !== 0 && Math.abs(v) < 2 ** -126;
      expect(a.some(subnormal) && b.some(subnormal)).toBe(true);
      if (subnormals === "keep") expect(op === "sqrt" || want.some(subnormal)).toBe(true);
      else expect(expected(op, a, b, "keep").some((v, i) => !Object.is(v, want[i]))).toBe(true);
    } finally {
      arrays.forEach((array) => array.dispose());
    }
  });
});
