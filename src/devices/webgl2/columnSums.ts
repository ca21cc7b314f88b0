import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WebGL2Device } from "./index.js";
import { LANES, sameLanes } from "./passes.js";

export function columnSums(device: WebGL2Device, a: DeviceArray, out: DeviceArray, rows: number, cols: number): void {
  device.passes.run({
    program: "columnSums", inputs: { a }, outputs: [out], count: cols, uniforms: { rows, cols },
    defines: { ALIGNED: cols % LANES === 0 && sameLanes(out, a) },
  });
}
