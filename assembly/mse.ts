import { fload, fadd, fsub, fmul, fdiv } from "./subnormals";

/**
 * PuzzleLib's MSE: grad = (pred - target) / size, and the returned value is
 * sum((pred - target)^2) / (2 * size), the sum taken from +0 in element order.
 */
export function mse(pred: usize, target: usize, grad: usize, n: i32): f32 {
  return body(pred, target, grad, n, false);
}

/** mse under subnormals "flush". */
export function mseFlush(pred: usize, target: usize, grad: usize, n: i32): f32 {
  return body(pred, target, grad, n, true);
}

@inline function body(pred: usize, target: usize, grad: usize, n: i32, flush: bool): f32 {
  const size = <f32>n;
  let acc: f32 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const diff = fsub(fload(pred + o, flush), fload(target + o, flush), flush);
    acc = fadd(acc, fmul(diff, diff, flush), flush);
    store<f32>(grad + o, fdiv(diff, size, flush));
  }
  return fdiv(acc, size + size, flush);
}
