import { DeviceArray, shapeSize } from "./runtime/DeviceArray.js";
import { currentDevice } from "./runtime/registry.js";
import { InvalidArgumentError, ShapeMismatchError, describe } from "./errors.js";

/** Copies `values` to a new array of `shape` on the current device. */
export function toGpu(values: ArrayLike<number>, shape: readonly number[] = [values?.length]): DeviceArray {
  if (values == null || typeof values.length !== "number") {
    throw new InvalidArgumentError(`toGpu() got ${describe(values)}; expected a Float32Array or an array of numbers`);
  }
  const size = shapeSize(shape);
  if (size !== values.length) {
    throw new ShapeMismatchError(`toGpu() got ${values.length} values for shape ${describe([...shape])} (${size} elements)`);
  }
  const array = DeviceArray.allocate(currentDevice(), shape);
  array.set(values);
  return array;
}

/** A zero-filled array of `shape` on the current device. */
export function zeros(shape: readonly number[]): DeviceArray {
  return DeviceArray.allocate(currentDevice(), shape);
}

/**
 * An array of `shape` whose contents the caller will overwrite. Devices hand out
 * zeroed storage anyway, so this equals zeros(); it exists for PuzzleLib's API.
 */
export function empty(shape: readonly number[]): DeviceArray {
  return zeros(shape);
}
