/** y[i] = y[i] + scale * x[i] (a hook's gradient term, such as weight decay). */
export function addScaled(x: usize, y: usize, n: i32, scale: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vs = f32x4.splat(scale);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(vs, v128.load(x + o))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + scale * load<f32>(x + o));
  }
}
