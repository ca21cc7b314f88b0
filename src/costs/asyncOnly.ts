import type { Device } from "../runtime/Device.js";
import { SyncReadError } from "../errors.js";

/** The error of a cost's compute() asked for its error on a device that reads back only asynchronously. */
export function asyncOnly(operation: string, device: Device): SyncReadError {
  return new SyncReadError(`${operation}: the ${device.name} device reads values back only asynchronously, so the error ` +
    "cannot be returned here: pass { queryError: false } and `await cost.readError()` when you want it");
}
