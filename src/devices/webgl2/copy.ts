import type { DeviceArray } from "../../runtime/DeviceArray.js";
import type { WebGL2Device } from "./index.js";
import { sameLanes } from "./passes.js";

/** When source and destination share a texture, the pass runner ping-pongs. */
export function copy(device: WebGL2Device, src: DeviceArray, dst: DeviceArray): void {
  device.passes.run({ program: "copy", inputs: { src }, outputs: [dst], defines: { ALIGNED: sameLanes(dst, src) } });
}
