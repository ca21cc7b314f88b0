import type { GravesScalars } from "../runtime/Device.js";
import { InvalidArgumentError, describe } from "../errors.js";

/** The hyper-parameters of RMSPropGraves; see its doc comment for their meaning. */
export interface GravesHyperParameters {
  learnRate: number;
  alpha: number;
  momRate: number;
  epsilon: number;
}

/** Graves' own values (2013, section 4). */
export const GRAVES_DEFAULTS: Readonly<GravesHyperParameters> = Object.freeze({
  learnRate: 1e-4,
  alpha: 0.95,
  momRate: 0.9,
  epsilon: 1e-4,
});

const RULES: Record<keyof GravesHyperParameters, [(v: number) => boolean, string]> = {
  learnRate: [(v) => v >= 0, "a finite number >= 0"],
  alpha: [(v) => v >= 0 && v < 1, "a finite number in [0, 1)"],
  momRate: [(v) => v >= 0 && v < 1, "a finite number in [0, 1)"],
  epsilon: [(v) => v > 0, "a finite number > 0"],
};

/** Throws InvalidArgumentError unless `value` is acceptable for hyper-parameter `name`. */
export function checkHyperParameter(name: keyof GravesHyperParameters, value: unknown): number {
  const [ok, expected] = RULES[name];
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value)) {
    throw new InvalidArgumentError(`${name} is ${describe(value)}; expected ${expected}`);
  }
  return value;
}

/** Fills in defaults, checks every value, and rejects unknown keys (a typo would otherwise be ignored). */
export function checkHyperParameters(given: Partial<GravesHyperParameters> | undefined, context: string,
  extraKeys: readonly string[] = []): GravesHyperParameters {
  const options = (given ?? {}) as Record<string, unknown>;
  if (typeof options !== "object") {
    throw new InvalidArgumentError(`${context} options are ${describe(given)}; expected an object`);
  }
  for (const key of Object.keys(options)) {
    if (!(key in GRAVES_DEFAULTS) && !extraKeys.includes(key)) {
      throw new InvalidArgumentError(`${context}: unknown option ${describe(key)}; expected ` +
        [...Object.keys(GRAVES_DEFAULTS), ...extraKeys].map(describe).join(", "));
    }
  }
  const result = { ...GRAVES_DEFAULTS };
  for (const name of Object.keys(GRAVES_DEFAULTS) as (keyof GravesHyperParameters)[]) {
    if (options[name] !== undefined) result[name] = checkHyperParameter(name, options[name]);
  }
  return result;
}

/**
 * The step's float32 scalars. Per-variable multipliers are applied here, on the
 * host, so every device sees the same rounded learnRate and momRate.
 */
export function gravesScalars(h: GravesHyperParameters, learnRateScale = 1, momRateScale = 1): GravesScalars {
  const f = Math.fround;
  const alpha = f(h.alpha);
  return {
    learnRate: f(f(h.learnRate) * f(learnRateScale)),
    alpha,
    b: f(1 - alpha),
    momRate: f(f(h.momRate) * f(momRateScale)),
    epsilon: f(h.epsilon),
  };
}
