import type { DeviceArray } from "../../runtime/DeviceArray.js";
import type { WebGL2Device } from "./index.js";
import { aligned, sameLanes } from "./passes.js";

export function columnSums(device: WebGL2Device, a: DeviceArray, out: DeviceArray, rows: number, cols: number): void {
  device.passes.run({
    program: "columnSums", inputs: { a }, outputs: [out], count: cols, uniforms: { rows, cols },
    defines: { ALIGNED: aligned(cols) && sameLanes(out, a) },
  });
}
