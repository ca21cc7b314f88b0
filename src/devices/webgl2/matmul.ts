import type { MatmulShape } from "../../device/Device.js";
import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WebGL2Device } from "./index.js";
import { LANES } from "./passes.js";

export function matmul(device: WebGL2Device, a: DeviceArray, b: DeviceArray, out: DeviceArray, bias: DeviceArray | null,
  { m, k, n, aRow, aCol, bRow, bCol }: MatmulShape): void {
  device.passes.run({
    program: "matmul",
    inputs: bias ? { a, b, bias } : { a, b },
    outputs: [out],
    count: m * n,
    uniforms: { k, n, aRow, aCol, bRow, bCol, useBias: bias !== null, rowTexels: n % LANES === 0 && out.offset % LANES === 0 },
  });
}
