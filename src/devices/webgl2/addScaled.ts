import type { DeviceArray } from "../../runtime/DeviceArray.js";
import type { WebGL2Device } from "./index.js";
import { sameLanes } from "./passes.js";

export function addScaled(device: WebGL2Device, x: DeviceArray, y: DeviceArray, scale: number): void {
  device.passes.run({
    program: "addScaled", inputs: { x, y }, outputs: [y], uniforms: { scale }, defines: { ALIGNED: sameLanes(y, x) },
  });
}
