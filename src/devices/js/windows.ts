import type { ChannelShape, ChannelSum, PoolMode, SubnormalMode, WindowShape } from "../../runtime/Device.js";
import { rounding } from "./rounding.js";

// The sliding-window kernels of Conv2D and the pools, and BatchNorm2D's per-channel
// kernels: the operations and orders of HandWrittenKernels (src/runtime/Device.ts) that
// every device follows.

/** The input row (or column) that kernel offset r of output o reads, -1 in the padding. */
function source(o: number, r: number, stride: number, pad: number, dilation: number, size: number): number {
  const at = o * stride - pad + r * dilation;
  return at >= 0 && at < size ? at : -1;
}

/** The output row (or column) whose kernel offset r reads input row h, -1 if none does. */
function window(h: number, r: number, stride: number, pad: number, dilation: number, outSize: number): number {
  const t = h + pad - r * dilation;
  if (t < 0 || t % stride !== 0) return -1;
  const o = t / stride;
  return o < outSize ? o : -1;
}

export function im2row(x: Float32Array, cols: Float32Array, s: WindowShape): void {
  let at = 0;
  for (let i = 0; i < s.n; i++) {
    for (let oh = 0; oh < s.outH; oh++) {
      for (let ow = 0; ow < s.outW; ow++) {
        for (let c = 0; c < s.maps; c++) {
          const map = (i * s.maps + c) * s.height;
          for (let r = 0; r < s.kernelH; r++) {
            const h = source(oh, r, s.strideH, s.padH, s.dilationH, s.height);
            for (let q = 0; q < s.kernelW; q++) {
              const w = source(ow, q, s.strideW, s.padW, s.dilationW, s.width);
              cols[at++] = h >= 0 && w >= 0 ? x[(map + h) * s.width + w] : 0;
            }
          }
        }
      }
    }
  }
}

export function row2im(cols: Float32Array, x: Float32Array, s: WindowShape, subnormals: SubnormalMode): void {
  const f = rounding(subnormals);
  const k = s.maps * s.kernelH * s.kernelW;
  for (let i = 0; i < s.n; i++) {
    for (let c = 0; c < s.maps; c++) {
      for (let h = 0; h < s.height; h++) {
        for (let w = 0; w < s.width; w++) {
          let acc = 0;
          for (let r = 0; r < s.kernelH; r++) {
            const oh = window(h, r, s.strideH, s.padH, s.dilationH, s.outH);
            if (oh < 0) continue;
            for (let q = 0; q < s.kernelW; q++) {
              const ow = window(w, q, s.strideW, s.padW, s.dilationW, s.outW);
              if (ow < 0) continue;
              acc = f(acc + f(cols[((i * s.outH + oh) * s.outW + ow) * k + (c * s.kernelH + r) * s.kernelW + q]));
            }
          }
          x[((i * s.maps + c) * s.height + h) * s.width + w] = acc;
        }
      }
    }
  }
}

export function transpose(x: Float32Array, y: Float32Array, bias: Float32Array | null, batches: number, rows: number,
  cols: number, subnormals: SubnormalMode): void {
  const f = rounding(subnormals);
  for (let b = 0; b < batches; b++) {
    const base = b * rows * cols;
    for (let j = 0; j < cols; j++) {
      for (let i = 0; i < rows; i++) {
        const v = x[base + i * cols + j];
        y[base + j * rows + i] = bias ? f(f(v) + f(bias[j])) : v;
      }
    }
  }
}

/** The divisor of window (oh, ow) of an average: its size, or its cells inside the input. */
function divisor(s: WindowShape, oh: number, ow: number, mode: PoolMode): number {
  if (mode !== "avgNoPad") return s.kernelH * s.kernelW;
  let count = 0;
  for (let r = 0; r < s.kernelH; r++) {
    for (let q = 0; q < s.kernelW; q++) {
      if (source(oh, r, s.strideH, s.padH, 1, s.height) >= 0 && source(ow, q, s.strideW, s.padW, 1, s.width) >= 0) count++;
    }
  }
  return count;
}

export function pool(x: Float32Array, y: Float32Array, indices: Float32Array | null, s: WindowShape, mode: PoolMode,
  subnormals: SubnormalMode): void {
  const f = rounding(subnormals);
  for (let m = 0; m < s.n * s.maps; m++) {
    const map = m * s.height * s.width;
    for (let oh = 0; oh < s.outH; oh++) {
      for (let ow = 0; ow < s.outW; ow++) {
        let best = NaN;
        let index = -1;
        let acc = 0;
        for (let r = 0; r < s.kernelH; r++) {
          const h = source(oh, r, s.strideH, s.padH, 1, s.height);
          if (h < 0) continue;
          for (let q = 0; q < s.kernelW; q++) {
            const w = source(ow, q, s.strideW, s.padW, 1, s.width);
            if (w < 0) continue;
            const v = f(x[map + h * s.width + w]);
            if (mode !== "max") acc = f(acc + v);
            else if (index < 0 || (!Number.isNaN(best) && (Number.isNaN(v) || v > best))) [best, index] = [v, h * s.width + w];
          }
        }
        const out = (m * s.outH + oh) * s.outW + ow;
        if (mode === "max") {
          y[out] = best;
          indices![out] = index;
        } else {
          y[out] = f(acc / divisor(s, oh, ow, mode));
        }
      }
    }
  }
}

export function poolBackward(dy: Float32Array, dx: Float32Array, indices: Float32Array | null, s: WindowShape,
  mode: PoolMode, subnormals: SubnormalMode): void {
  const f = rounding(subnormals);
  for (let m = 0; m < s.n * s.maps; m++) {
    for (let h = 0; h < s.height; h++) {
      for (let w = 0; w < s.width; w++) {
        let acc = 0;
        for (let r = 0; r < s.kernelH; r++) {
          const oh = window(h, r, s.strideH, s.padH, 1, s.outH);
          if (oh < 0) continue;
          for (let q = 0; q < s.kernelW; q++) {
            const ow = window(w, q, s.strideW, s.padW, 1, s.outW);
            if (ow < 0) continue;
            const out = (m * s.outH + oh) * s.outW + ow;
            if (mode === "max") {
              if (indices![out] === h * s.width + w) acc = f(acc + f(dy[out]));
            } else {
              acc = f(acc + f(f(dy[out]) / divisor(s, oh, ow, mode)));
            }
          }
        }
        dx[(m * s.height + h) * s.width + w] = acc;
      }
    }
  }
}

export function channelSums(a: Float32Array, b: Float32Array | null, mean: Float32Array | null, invStd: Float32Array | null,
  out: Float32Array, { n, channels, positions }: ChannelShape, sum: ChannelSum, subnormals: SubnormalMode): void {
  const f = rounding(subnormals);
  for (let c = 0; c < channels; c++) {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const base = (i * channels + c) * positions;
      for (let q = 0; q < positions; q++) {
        const v = f(a[base + q]);
        let term = v;
        if (sum === "centeredSquares") {
          const d = f(v - f(mean![c]));
          term = f(d * d);
        } else if (sum === "normalizedProducts") {
          term = f(f(b![base + q]) * f(f(v - f(mean![c])) * f(invStd![c])));
        }
        acc = f(acc + term);
      }
    }
    out[c] = acc;
  }
}

export function batchNorm(x: Float32Array, mean: Float32Array, invStd: Float32Array, scale: Float32Array, bias: Float32Array,
  y: Float32Array, { n, channels, positions }: ChannelShape, subnormals: SubnormalMode): void {
  const f = rounding(subnormals);
  for (let i = 0; i < n * channels * positions; i++) {
    const c = Math.floor(i / positions) % channels;
    const xhat = f(f(f(x[i]) - f(mean[c])) * f(invStd[c]));
    y[i] = f(f(xhat * f(scale[c])) + f(bias[c]));
  }
}

export function batchNormBackward(x: Float32Array, dy: Float32Array, mean: Float32Array, invStd: Float32Array,
  scale: Float32Array, dscale: Float32Array, dbias: Float32Array, dx: Float32Array, { n, channels, positions }: ChannelShape,
  subnormals: SubnormalMode): void {
  const f = rounding(subnormals);
  const count = f(n * positions);
  for (let i = 0; i < n * channels * positions; i++) {
    const c = Math.floor(i / positions) % channels;
    const xhat = f(f(f(x[i]) - f(mean[c])) * f(invStd[c]));
    const centered = f(f(f(dy[i]) - f(f(dbias[c]) / count)) - f(xhat * f(f(dscale[c]) / count)));
    dx[i] = f(centered * f(f(scale[c]) * f(invStd[c])));
  }
}
