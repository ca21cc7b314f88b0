/**
 * PuzzleLib's MSE: grad = (pred - target) / size, and the returned value is
 * sum((pred - target)^2) / (2 * size), the sum taken from +0 in element order.
 */
export function mse(pred: usize, target: usize, grad: usize, n: i32): f32 {
  const size = <f32>n;
  let acc: f32 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const diff = load<f32>(pred + o) - load<f32>(target + o);
    acc += diff * diff;
    store<f32>(grad + o, diff / size);
  }
  return acc / (size + size);
}
