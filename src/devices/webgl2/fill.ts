import type { DeviceArray } from "../../runtime/DeviceArray.js";
import type { WebGL2Device } from "./index.js";

export function fill(device: WebGL2Device, a: DeviceArray, value: number): void {
  device.passes.run({ program: "fill", outputs: [a], uniforms: { value } });
}
