import { InvalidArgumentError, describe } from "../errors.js";

/** One hyper-parameter of an optimizer: its default and the values it accepts. */
export interface HyperParameter {
  readonly default: number;
  readonly accepts: (value: number) => boolean;
  /** What is accepted, in words, for error messages: "a finite number in [0, 1)". */
  readonly expected: string;
}

export const nonNegative = (defaultValue: number): HyperParameter =>
  ({ default: defaultValue, accepts: (v) => v >= 0, expected: "a finite number >= 0" });
export const positive = (defaultValue: number): HyperParameter =>
  ({ default: defaultValue, accepts: (v) => v > 0, expected: "a finite number > 0" });
/** A decay or momentum rate: [0, 1). */
export const rate = (defaultValue: number): HyperParameter =>
  ({ default: defaultValue, accepts: (v) => v >= 0 && v < 1, expected: "a finite number in [0, 1)" });

/** An optimizer's hyper-parameters by name, in the order getAttrDict() lists them. */
export type Schema<H extends string = string> = Readonly<Record<H, HyperParameter>>;

/** Throws InvalidArgumentError unless `value` is acceptable for hyper-parameter `name`. */
export function checkValue<H extends string>(schema: Schema<H>, name: H, value: unknown): number {
  const { accepts, expected } = schema[name];
  if (typeof value !== "number" || !Number.isFinite(value) || !accepts(value)) {
    throw new InvalidArgumentError(`${name} is ${describe(value)}; expected ${expected}`);
  }
  return value;
}

/** The defaults of a schema. */
export function defaults<H extends string>(schema: Schema<H>): Record<H, number> {
  return Object.fromEntries(Object.entries<HyperParameter>(schema).map(([name, h]) => [name, h.default])) as Record<H, number>;
}

/** Fills in defaults, checks every value, and rejects unknown keys (a typo would otherwise be ignored). */
export function checkOptions<H extends string>(schema: Schema<H>, given: unknown, context: string,
  extraKeys: readonly string[] = []): Record<H, number> {
  const options = (given ?? {}) as Record<string, unknown>;
  if (typeof options !== "object") {
    throw new InvalidArgumentError(`${context} options are ${describe(given)}; expected an object`);
  }
  for (const key of Object.keys(options)) {
    if (!(key in schema) && !extraKeys.includes(key)) {
      throw new InvalidArgumentError(`${context}: unknown option ${describe(key)}; expected ` +
        [...Object.keys(schema), ...extraKeys].map(describe).join(", "));
    }
  }
  const result = defaults(schema);
  for (const name of Object.keys(schema) as H[]) {
    if (options[name] !== undefined) result[name] = checkValue(schema, name, options[name]);
  }
  return result;
}
