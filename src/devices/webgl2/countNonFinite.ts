import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WebGL2Device } from "./index.js";

/** One fragment per chunk of `passes.width` elements, then the chunks' counts are read back and added. */
export function countNonFinite(device: WebGL2Device, a: DeviceArray): number {
  if (a.size === 0) return 0;
  const chunk = device.passes.width;
  const counts = device.scratch(Math.ceil(a.size / chunk));
  device.passes.run({ program: "countNonFinite", inputs: { a }, outputs: [counts], uniforms: { size: a.size, chunk } });
  return counts.get().reduce((sum, count) => sum + count, 0);
}
