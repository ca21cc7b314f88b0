import type { Device } from "./Device.js";
import { SyncReadError } from "../errors.js";

/** The error of save() on a device that reads back only asynchronously. */
export function saveIsAsync(what: "Module" | "Optimizer", device: Device): SyncReadError {
  return new SyncReadError(`${what}.save(): the ${device.name} device reads values back only asynchronously; ` +
    "use `await saveAsync()`, which writes the same bytes");
}

/** The error of a cost's compute() asked for its error on a device that reads back only asynchronously. */
export function asyncOnly(operation: string, device: Device): SyncReadError {
  return new SyncReadError(`${operation}: the ${device.name} device reads values back only asynchronously, so the error ` +
    "cannot be returned here: pass { queryError: false } and `await cost.readError()` when you want it");
}
