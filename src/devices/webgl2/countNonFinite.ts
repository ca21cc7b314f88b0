import type { DeviceArray } from "../../runtime/DeviceArray.js";
import type { WebGL2Device } from "./index.js";
import { aligned } from "./passes.js";

/** Elements counted per output element: a fragment counts four such chunks. */
const CHUNK = 1024;

/** One output element per chunk of CHUNK elements, then the chunks' counts are read back and added. */
export function countNonFinite(device: WebGL2Device, a: DeviceArray): number {
  if (a.size === 0) return 0;
  const counts = device.scratch(Math.ceil(a.size / CHUNK));
  device.passes.run({
    program: "countNonFinite", inputs: { a }, outputs: [counts], uniforms: { size: a.size, chunk: CHUNK },
    defines: { ALIGNED: aligned(a.offset) },
  });
  return counts.get().reduce((sum, count) => sum + count, 0);
}
