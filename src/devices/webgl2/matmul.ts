import type { MatmulShape } from "../../device/Device.js";
import type { DeviceArray } from "../../device/DeviceArray.js";
import type { WebGL2Device } from "./index.js";
import { LANES } from "./passes.js";

const aligned = (...values: number[]) => values.every((v) => v % LANES === 0);

/** Picks the variant of glsl/matmul.glsl for these strides and offsets (see the shader). */
export function matmul(device: WebGL2Device, a: DeviceArray, b: DeviceArray, out: DeviceArray, bias: DeviceArray | null,
  { m, k, n, aRow, aCol, bRow, bCol }: MatmulShape): void {
  const rowTexels = aligned(n, out.offset);
  const A_ROWS = aCol === 1;
  const B_ROWS = bCol === 1;
  const B_COLUMNS = bRow === 1 && !B_ROWS;
  // Rows of op(A) start on a texel (or a strided A steps by whole texels), and so do
  // the rows or columns of op(B): the shader then walks texel indices.
  const ALIGNED = rowTexels && (A_ROWS ? aligned(a.offset, aRow) : aligned(aCol)) &&
    (B_ROWS ? aligned(b.offset, bRow) : B_COLUMNS && aligned(b.offset, bCol)) && (!bias || aligned(bias.offset));
  device.passes.run({
    program: "matmul",
    inputs: bias ? { a, b, bias } : { a, b },
    outputs: [out],
    count: m * n,
    uniforms: { k, n, aRow, aCol, bRow, bCol },
    defines: { ROW_TEXELS: rowTexels, A_ROWS, B_ROWS, B_COLUMNS, BIAS: bias !== null, ALIGNED },
  });
}
