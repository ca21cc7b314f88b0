import { DeviceArray } from "./DeviceArray.js";
import { DeviceMismatchError, InvalidArgumentError, ShapeMismatchError, describe } from "../errors.js";

/**
 * Checks that every named argument is a live DeviceArray on one device and returns
 * that device's arrays unchanged; kernels run only after this passes.
 */
export function checkArrays(operation: string, arrays: Record<string, unknown>): DeviceArray[] {
  // Loops over the keys, not Object.entries(): modules and optimizers call this on every
  // kernel call of a step, and the small nets' steps are short enough to feel it.
  const checked: DeviceArray[] = [];
  for (const name in arrays) {
    const array = arrays[name];
    if (!(array instanceof DeviceArray)) {
      throw new InvalidArgumentError(`${operation}: ${name} is ${describe(array)}; expected a DeviceArray`);
    }
    array.assertAlive();
    checked.push(array);
  }
  const { device } = checked[0];
  for (let i = 1; i < checked.length; i++) {
    if (checked[i].device !== device) {
      const names = Object.keys(arrays);
      throw new DeviceMismatchError(`${operation}: ${names[i]} is on ${checked[i].device.name} but ` +
        `${names[0]} is on ${device.name}; expected arrays of one device`);
    }
  }
  return checked;
}

/** Checks that the named arrays all have `size` elements. */
export function checkSizes(operation: string, size: number, arrays: Record<string, DeviceArray>): void {
  for (const [name, array] of Object.entries(arrays)) {
    if (array.size !== size) {
      throw new ShapeMismatchError(`${operation}: ${name} has ${array.size} elements ` +
        `(shape ${describe([...array.shape])}); expected ${size}`);
    }
  }
}

/** Checks that `shape` is exactly `expected`. */
export function checkShape(operation: string, name: string, shape: readonly number[], expected: readonly number[]): void {
  if (shape.length !== expected.length || shape.some((dim, i) => dim !== expected[i])) {
    throw new ShapeMismatchError(`${operation}: ${name} has shape ${describe([...shape])}; expected ${describe([...expected])}`);
  }
}
