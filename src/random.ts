import { shapeSize } from "./runtime/DeviceArray.js";
import { InvalidArgumentError, describe } from "./errors.js";

/**
 * Seeded random numbers that are the same bits in every JavaScript engine: xoshiro128**
 * (integer operations only), and for normals Marsaglia's polar method with a logarithm
 * computed here from +, -, *, / (Math.log is not correctly rounded and differs
 * between engines; the IEEE basic operations and Math.sqrt do not).
 */
export class Random {
  private s = new Uint32Array(4);

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new InvalidArgumentError(`seed ${describe(seed)} is not an integer; expected a safe integer`);
    }
    // splitmix32 spreads the seed over the state, which must not be all zero.
    let x = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** 32 random bits. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    return ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
  }

  /** Standard normal. */
  normal(): number {
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt((-2 * log(s)) / s);
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const bits = new DataView(new ArrayBuffer(8));

/** Natural logarithm of a positive normal double from IEEE basic operations only. */
function log(x: number): number {
  bits.setFloat64(0, x);
  const high = bits.getUint32(0);
  let exponent = ((high >>> 20) & 0x7ff) - 1023;
  bits.setUint32(0, (high & 0x800fffff) | (1023 << 20));
  let m = bits.getFloat64(0); // in [1, 2)
  if (m > Math.SQRT2) {
    m /= 2;
    exponent += 1;
  }
  // log(m) = 2 atanh(s), |s| <= 0.1716: the series to s^21 is exact to double precision.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let sum = 1 / 21;
  for (let k = 19; k >= 1; k -= 2) sum = 1 / k + s2 * sum;
  return 2 * s * sum + exponent * Math.LN2;
}

/** `size` float32 values from N(0, 1) for `seed`: the same values on every engine and device. */
export function randn(shape: readonly number[], seed: number): Float32Array {
  const out = new Float32Array(shapeSize(shape));
  const random = new Random(seed);
  for (let i = 0; i < out.length; i++) out[i] = random.normal();
  return out;
}
