import type { Device, KernelName, KernelTable, Run } from "./Device.js";
import type { DeviceArray } from "./DeviceArray.js";
import { checkArrays, checkSizes } from "./checks.js";
import { InvalidArgumentError, KernelUnavailableError, describe } from "../errors.js";
import { DEFINITIONS, type ElementwiseName } from "../kernels/index.js";
import { allArrays } from "../kernels/vocabulary.js";

/** Kernel `name` of `device`; a KernelUnavailableError naming both when the device has none. */
export function kernel<K extends KernelName>(device: Device, name: K): KernelTable[K] {
  const found = device.kernels[name];
  if (!found) {
    throw new KernelUnavailableError(`the ${device.name} device has no kernel ${describe(name)}; devices that have it: ` +
      "see availableDevices()", name, device.name);
  }
  return found as KernelTable[K];
}

/** Checks at setup that `device` has every kernel in `names`, so that nothing fails half-way through a step. */
export function requireKernels(device: Device, names: readonly KernelName[]): void {
  for (const name of names) kernel(device, name);
}

/** The scalars of one call: by name (one run over every element), or runs with their scalars by name. */
export type Scalars = Readonly<Record<string, number>> | readonly { end: number; scalars: Readonly<Record<string, number>> }[];

/**
 * Runs elementwise kernel `name` (see src/kernels/) on the device of its arrays: checks
 * the arrays (every name of the definition, live, on one device, one size) and the
 * scalars (every name, a number; rounded to float32 here, once, on the host).
 */
export function runElementwise(name: ElementwiseName, arrays: Readonly<Record<string, DeviceArray>>,
  scalars: Scalars = {}, context: string = name): void {
  const definition = DEFINITIONS[name];
  const names = allArrays(definition);
  const extra = Object.keys(arrays).filter((key) => !names.includes(key));
  if (extra.length) {
    throw new InvalidArgumentError(`${context}: unknown array ${describe(extra[0])}; expected ${names.map(describe).join(", ")}`);
  }
  // In the caller's order first, so that a message names the arrays as the caller wrote them.
  const ordered = [...Object.keys(arrays), ...names.filter((n) => !(n in arrays))];
  const checked = checkArrays(context, Object.fromEntries(ordered.map((n) => [n, arrays[n]])));
  const size = checked[0].size;
  checkSizes(context, size, arrays as Record<string, DeviceArray>);
  const given = Array.isArray(scalars) ? scalars : [{ end: size, scalars: scalars as Record<string, number> }];
  let start = 0;
  const runs: Run[] = given.map(({ end, scalars: values }) => {
    if (!Number.isSafeInteger(end) || end < start || end > size) {
      throw new InvalidArgumentError(`${context}: a run ends at ${describe(end)}; expected ends in order from ${start} to ${size}`);
    }
    start = end;
    return {
      end, scalars: definition.scalars.map((s) => {
        const value = values[s];
        if (typeof value !== "number") throw new InvalidArgumentError(`${context}: scalar ${s} is ${describe(value)}; expected a number`);
        return Math.fround(value);
      }),
    };
  });
  if (start !== size) throw new InvalidArgumentError(`${context}: the runs end at ${start}; expected them to cover all ${size} elements`);
  kernel(checked[0].device, name)(arrays, runs);
}
