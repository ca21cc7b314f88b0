import { DeviceArray } from "../../device/DeviceArray.js";
import type { WebGL2Device } from "./index.js";

/** One fragment per chunk of `passes.width` elements, then the chunks' counts are read back and added. */
export function countNonFinite(device: WebGL2Device, a: DeviceArray): number {
  if (a.size === 0) return 0;
  const chunk = device.passes.width;
  const chunks = Math.ceil(a.size / chunk);
  const counts = DeviceArray.allocate(device, [chunks]);
  try {
    device.passes.run({ program: "countNonFinite", inputs: { a }, outputs: [counts], uniforms: { size: a.size, chunk } });
    return counts.get().reduce((sum, count) => sum + count, 0);
  } finally {
    counts.dispose();
  }
}
