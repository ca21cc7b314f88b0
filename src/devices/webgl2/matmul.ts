import type { MatmulShape } from "../../device/Device.js";
import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WebGL2Device } from "./index.js";
import { LANES } from "./passes.js";

const aligned = (...values: number[]) => values.every((v) => v % LANES === 0);

/**
 * Four rows at a time (glsl/matmulBlocks.glsl, then glsl/matmulUnblock.glsl) when every
 * row or column the shader walks starts on a texel and steps by whole texels, as in
 * Linear's three products on aligned views; glsl/matmul.glsl otherwise.
 */
export function matmul(device: WebGL2Device, a: DeviceArray, b: DeviceArray, out: DeviceArray, bias: DeviceArray | null,
  { m, k, n, aRow, aCol, bRow, bCol }: MatmulShape): void {
  const inputs: Record<string, DeviceArray> = bias ? { a, b, bias } : { a, b };
  const A_ROWS = aCol === 1;
  const B_ROWS = bCol === 1;
  const blocked = aligned(n, out.offset, a.offset, b.offset, bias?.offset ?? 0) &&
    (A_ROWS ? aligned(aRow) : aRow === 1 && aligned(aCol)) && (B_ROWS ? aligned(bRow) : bRow === 1 && aligned(bCol));
  if (blocked) {
    const rows = device.matmulRows(Math.ceil(m / LANES) * n);
    device.passes.run({
      program: "matmulBlocks", inputs, outputs: rows,
      uniforms: { m, k, n, aRow, aCol, bRow, bCol }, defines: { A_ROWS, B_ROWS, HAS_BIAS: bias !== null },
    });
    device.passes.run({
      program: "matmulUnblock", inputs: { row0: rows[0], row1: rows[1], row2: rows[2], row3: rows[3] }, outputs: [out],
      count: m * n, uniforms: { n },
    });
    return;
  }
  device.passes.run({
    program: "matmul", inputs, outputs: [out], count: m * n,
    uniforms: { k, n, aRow, aCol, bRow, bCol },
    defines: { ROW_TEXELS: aligned(n, out.offset), A_ROWS, B_ROWS, B_COLUMNS: bRow === 1 && !B_ROWS, HAS_BIAS: bias !== null },
  });
}
