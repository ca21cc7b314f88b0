import { kernel, type Run, type Segments } from "./Device.js";
import { DeviceArray } from "./DeviceArray.js";
import { checkArrays, checkSizes } from "./checks.js";
import { InvalidArgumentError, describe } from "../errors.js";
import { DEFINITIONS, type ElementwiseName } from "../kernels/index.js";
import { allArrays, type ElementwiseDefinition } from "../kernels/vocabulary.js";

export { kernel, requireKernels } from "./Device.js";

/** The scalars of one call: by name (one run over every element), or runs with their scalars by name. */
export type Scalars = Readonly<Record<string, number>> | readonly { end: number; scalars: Readonly<Record<string, number>> }[];

/**
 * Runs elementwise kernel `name` (see src/kernels/) on the device of its arrays: checks
 * the arrays (every name of the definition, live, on one device, one size) and the
 * scalars (every name, a number; rounded to float32 here, once, on the host). The checks
 * run on every call of a training step, so the common case takes one loop; what fails is
 * named by checkArgs(). `segments` (internal): the arrays' layout, where they hold
 * matrices end to end (see Segments).
 */
export function runElementwise(name: ElementwiseName, arrays: Readonly<Record<string, DeviceArray>>,
  scalars: Scalars = {}, context: string = name, segments?: Segments): void {
  const definition = DEFINITIONS[name];
  const names = definition.arrays;
  const first = arrays[names[0]];
  let given = 0;
  for (const _ in arrays) given++;
  let valid = given === names.length && first instanceof DeviceArray;
  for (let i = 0; valid && i < names.length; i++) {
    const a = arrays[names[i]];
    valid = a instanceof DeviceArray && !a.buffer.disposed && a.device === first.device && a.size === first.size;
  }
  if (!valid) checkArgs(definition, arrays, context);
  const size = first.size;
  const runs: Run[] = Array.isArray(scalars)
    ? checkRuns(definition, scalars as Exclude<Scalars, Readonly<Record<string, number>>>, size, context)
    : [{ end: size, scalars: scalarValues(definition, scalars as Readonly<Record<string, number>>, context) }];
  kernel(first.device, name)(arrays, runs, segments);
}

/** Throws the error that names what is wrong with a kernel's arrays. */
function checkArgs(definition: ElementwiseDefinition, arrays: Readonly<Record<string, DeviceArray>>, context: string): void {
  const names = allArrays(definition);
  const extra = Object.keys(arrays).filter((key) => !names.includes(key));
  if (extra.length) {
    throw new InvalidArgumentError(`${context}: unknown array ${describe(extra[0])}; expected ${names.map(describe).join(", ")}`);
  }
  // In the caller's order first, so that a message names the arrays as the caller wrote them.
  const ordered = [...Object.keys(arrays), ...names.filter((n) => !(n in arrays))];
  const checked = checkArrays(context, Object.fromEntries(ordered.map((n) => [n, arrays[n]])));
  checkSizes(context, checked[0].size, arrays as Record<string, DeviceArray>);
}

function scalarValues(definition: ElementwiseDefinition, values: Readonly<Record<string, number>>, context: string): number[] {
  return definition.scalars.map((s) => {
    const value = values[s];
    if (typeof value !== "number") throw new InvalidArgumentError(`${context}: scalar ${s} is ${describe(value)}; expected a number`);
    return Math.fround(value);
  });
}

function checkRuns(definition: ElementwiseDefinition, given: readonly { end: number; scalars: Readonly<Record<string, number>> }[],
  size: number, context: string): Run[] {
  let start = 0;
  const runs = given.map(({ end, scalars }) => {
    if (!Number.isSafeInteger(end) || end < start || end > size) {
      throw new InvalidArgumentError(`${context}: a run ends at ${describe(end)}; expected ends in order from ${start} to ${size}`);
    }
    start = end;
    return { end, scalars: scalarValues(definition, scalars, context) };
  });
  if (start !== size) throw new InvalidArgumentError(`${context}: the runs end at ${start}; expected them to cover all ${size} elements`);
  return runs;
}
