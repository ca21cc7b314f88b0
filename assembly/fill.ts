/** a[i] = value for n elements. */
export function fill(a: usize, n: i32, value: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v = f32x4.splat(value);
    for (; i + 4 <= n; i += 4) v128.store(a + (<usize>i << 2), v);
  }
  for (; i < n; i++) store<f32>(a + (<usize>i << 2), value);
}
