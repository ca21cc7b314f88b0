import type { HandWrittenKernels, PoolMode, WindowShape } from "../../runtime/Device.js";
import type { WebGL2Device } from "./index.js";

type WindowKernels = Pick<HandWrittenKernels,
  "im2row" | "row2im" | "transpose" | "pool" | "poolBackward" | "channelSums" | "batchNorm" | "batchNormBackward">;

/** glsl/window.glsl's uniforms. */
const windowUniforms = (s: WindowShape) => ({
  maps: s.maps, height: s.height, width: s.width, kh: s.kernelH, kw: s.kernelW, sh: s.strideH, sw: s.strideW,
  ph: s.padH, pw: s.padW, dh: s.dilationH, dw: s.dilationW, outH: s.outH, outW: s.outW,
});
const poolDefines = (mode: PoolMode) => ({ MAX: mode === "max", AVG_NO_PAD: mode === "avgNoPad" });

/** The webgl2 device's sliding-window and per-channel kernels (glsl/im2row.glsl and the passes after it). */
export function windowKernels(device: WebGL2Device): WindowKernels {
  return {
    im2row: (x, cols, s) => device.passes.run({ program: "im2row", inputs: { x }, outputs: [cols], uniforms: windowUniforms(s) }),
    row2im: (cols, x, s) => device.passes.run({ program: "row2im", inputs: { cols }, outputs: [x], uniforms: windowUniforms(s) }),
    transpose: (x, y, bias, batches, rows, cols) => device.passes.run({
      program: "transpose", inputs: bias ? { x, bias } : { x }, outputs: [y], count: batches * rows * cols,
      uniforms: { rows, cols }, defines: { HAS_BIAS: bias !== null },
    }),
    pool: (x, y, indices, s, mode) => {
      device.passes.run({ program: "pool", inputs: { x }, outputs: [y], uniforms: windowUniforms(s), defines: poolDefines(mode) });
      if (indices) {
        device.passes.run({
          program: "pool", inputs: { x }, outputs: [indices], uniforms: windowUniforms(s),
          defines: { ...poolDefines(mode), WRITE_INDICES: true },
        });
      }
    },
    poolBackward: (dy, dx, indices, s, mode) => device.passes.run({
      program: "poolBackward", inputs: indices ? { dy, indices } : { dy }, outputs: [dx], uniforms: windowUniforms(s),
      defines: poolDefines(mode),
    }),
    channelSums: (a, b, mean, invStd, out, { n, channels, positions }, sum) => device.passes.run({
      program: "channelSums",
      inputs: { a, ...(b ? { b } : {}), ...(mean ? { mean } : {}), ...(invStd ? { invStd } : {}) },
      outputs: [out], uniforms: { n, channels, positions },
      defines: { CENTERED_SQUARES: sum === "centeredSquares", NORMALIZED_PRODUCTS: sum === "normalizedProducts" },
    }),
    batchNorm: (x, mean, invStd, scale, bias, y, { channels, positions }) => device.passes.run({
      program: "batchNorm", inputs: { x, mean, invStd, scale, bias }, outputs: [y], uniforms: { channels, positions },
    }),
    batchNormBackward: (x, dy, mean, invStd, scale, dscale, dbias, dx, { n, channels, positions }) => device.passes.run({
      program: "batchNorm", inputs: { x, dy, mean, invStd, scale, dscale, dbias }, outputs: [dx],
      uniforms: { channels, positions, n: Math.fround(n * positions) }, defines: { GRAD: true },
    }),
  };
}
