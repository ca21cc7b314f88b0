import { fload, fadd, fsub, fmul, fdiv } from "./vocabulary";

/**
 * PuzzleLib's MSE error, sum((pred - target)^2) / (2 * size), the sum taken from +0 in
 * element order (its gradient is the kernel mseGradient).
 */
export function mseError(pred: usize, target: usize, n: i32): f32 {
  return body(pred, target, n, false);
}

/** mseError under subnormals "flush". */
export function mseErrorFlush(pred: usize, target: usize, n: i32): f32 {
  return body(pred, target, n, true);
}

@inline function body(pred: usize, target: usize, n: i32, flush: bool): f32 {
  const size = <f32>n;
  let acc: f32 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const diff = fsub(fload(pred + o, flush), fload(target + o, flush), flush);
    acc = fadd(acc, fmul(diff, diff, flush), flush);
  }
  return fdiv(acc, size + size, flush);
}
