// The row kernels of softmax and cross-entropy, and Dropout's mask: the same operations in
// the same order as src/devices/js/rows.ts (see HandWrittenKernels in src/runtime/Device.ts),
// scalar code (rows are short: the classes of one sample), one part, so one order.
import { fload, fadd, fsub, fmul, fdiv } from "./vocabulary";
import { expS, logS } from "./math.generated";
import { mix32 } from "./hash";

let rowMax: f32 = 0;
let rowSum: f32 = 0;

/** Sets rowMax and rowSum for the row at byte address `base` whose classes are `stride` bytes apart. */
@inline function stats(base: usize, classes: i32, stride: usize, flush: bool): void {
  let m = fload(base, flush);
  for (let j = 1; j < classes; j++) m = max<f32>(m, fload(base + <usize>j * stride, flush));
  let s: f32 = 0;
  for (let j = 0; j < classes; j++) s = fadd(s, expS(fsub(fload(base + <usize>j * stride, flush), m, flush), flush), flush);
  rowMax = m;
  rowSum = s;
}

export function softmax(x: usize, y: usize, n: i32, classes: i32, positions: i32): void {
  softmaxBody(x, y, n, classes, positions, false);
}

/** softmax under subnormals "flush". */
export function softmaxFlush(x: usize, y: usize, n: i32, classes: i32, positions: i32): void {
  softmaxBody(x, y, n, classes, positions, true);
}

@inline function softmaxBody(x: usize, y: usize, n: i32, classes: i32, positions: i32, flush: bool): void {
  const stride = <usize>positions << 2;
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < positions; q++) {
      const base = (<usize>(i * classes * positions + q)) << 2;
      stats(x + base, classes, stride, flush);
      for (let j = 0; j < classes; j++) {
        const at = base + <usize>j * stride;
        store<f32>(y + at, fdiv(expS(fsub(fload(x + at, flush), rowMax, flush), flush), rowSum, flush));
      }
    }
  }
}

/** weights is 0 when there are none. */
export function crossEntropy(scores: usize, labels: usize, weights: usize, grad: usize, losses: usize,
  n: i32, classes: i32, positions: i32): void {
  crossEntropyBody(scores, labels, weights, grad, losses, n, classes, positions, false);
}

/** crossEntropy under subnormals "flush". */
export function crossEntropyFlush(scores: usize, labels: usize, weights: usize, grad: usize, losses: usize,
  n: i32, classes: i32, positions: i32): void {
  crossEntropyBody(scores, labels, weights, grad, losses, n, classes, positions, true);
}

@inline function crossEntropyBody(scores: usize, labels: usize, weights: usize, grad: usize, losses: usize,
  n: i32, classes: i32, positions: i32, flush: bool): void {
  const stride = <usize>positions << 2;
  const count = <f32>n;
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < positions; q++) {
      const row = <usize>(i * positions + q) << 2;
      const base = (<usize>(i * classes * positions + q)) << 2;
      stats(scores + base, classes, stride, flush);
      const label = <i32>load<f32>(labels + row);
      for (let j = 0; j < classes; j++) {
        const at = base + <usize>j * stride;
        const y = fdiv(expS(fsub(fload(scores + at, flush), rowMax, flush), flush), rowSum, flush);
        let d = fsub(y, j == label ? <f32>1 : <f32>0, flush);
        if (weights) d = fmul(d, fload(weights + (<usize>j << 2), flush), flush);
        store<f32>(grad + at, fdiv(d, count, flush));
      }
      const picked = fload(scores + base + <usize>label * stride, flush);
      let loss = fsub(logS(rowSum, flush), fsub(picked, rowMax, flush), flush);
      if (weights) loss = fmul(loss, fload(weights + (<usize>label << 2), flush), flush);
      store<f32>(losses + row, loss);
    }
  }
}

export function dropout(x: usize, y: usize, n: i32, first: u32, key0: u32, key1: u32, threshold: u32, keep: f32): void {
  dropoutBody(x, y, n, first, key0, key1, threshold, keep, false);
}

/** dropout under subnormals "flush". */
export function dropoutFlush(x: usize, y: usize, n: i32, first: u32, key0: u32, key1: u32, threshold: u32, keep: f32): void {
  dropoutBody(x, y, n, first, key0, key1, threshold, keep, true);
}

@inline function dropoutBody(x: usize, y: usize, n: i32, first: u32, key0: u32, key1: u32, threshold: u32, keep: f32,
  flush: bool): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const kept = (mix32(mix32(first + <u32>i + key0) ^ key1) >> 8) < threshold;
    store<f32>(y + o, kept ? fdiv(fload(x + o, flush), keep, flush) : <f32>0);
  }
}
