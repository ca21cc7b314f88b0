import type { MatmulShape } from "../../runtime/Device.js";
import type { DeviceArray } from "../../runtime/DeviceArray.js";
import type { WebGL2Device } from "./index.js";
import { LANES, aligned } from "./passes.js";

/**
 * Four rows at a time (glsl/matmulBlocks.glsl, then glsl/matmulUnblock.glsl) when op(A)
 * has contiguous rows or columns and so has op(B), as in Linear's three products;
 * glsl/matmul.glsl, one output at a time, for other strides.
 */
export function matmul(device: WebGL2Device, a: DeviceArray, b: DeviceArray, out: DeviceArray, bias: DeviceArray | null,
  { m, k, n, aRow, aCol, bRow, bCol }: MatmulShape): void {
  const inputs: Record<string, DeviceArray> = bias ? { a, b, bias } : { a, b };
  const A_ROWS = aCol === 1;
  const B_ROWS = bCol === 1;
  if ((A_ROWS || aRow === 1) && (B_ROWS || bRow === 1)) {
    const n4 = Math.ceil(n / LANES) * LANES;
    const rows = device.matmulRows(Math.ceil(m / LANES) * n4);
    device.passes.run({
      program: "matmulBlocks", inputs, outputs: rows,
      uniforms: { m, k, n4, aRow, aCol, bRow, bCol },
      defines: {
        A_ROWS, B_ROWS, HAS_BIAS: bias !== null,
        // Every fetch4 starts on a texel: rows (or columns) start on texels and step by whole texels.
        ALIGNED: aligned(a.offset, b.offset, bias?.offset ?? 0, A_ROWS ? aRow : aCol, B_ROWS ? bRow : bCol),
      },
    });
    device.passes.run({
      program: "matmulUnblock", inputs: { row0: rows[0], row1: rows[1], row2: rows[2], row3: rows[3] }, outputs: [out],
      count: m * n, uniforms: { n, n4 }, defines: { WHOLE_TEXELS: aligned(n, out.offset) },
    });
    return;
  }
  device.passes.run({
    program: "matmul", inputs, outputs: [out], count: m * n, uniforms: { k, n, aRow, aCol, bRow, bCol },
    defines: { HAS_BIAS: bias !== null },
  });
}
