/** How many of the n elements are NaN or infinite (exponent bits all ones). */
export function countNonFinite(a: usize, n: i32): i32 {
  let i = 0;
  let count = 0;
  if (ASC_FEATURE_SIMD) {
    const mask = i32x4.splat(0x7f800000);
    let counts = i32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      // Lanes that compare equal are -1: subtracting counts them.
      counts = i32x4.sub(counts, i32x4.eq(v128.and(v128.load(a + (<usize>i << 2)), mask), mask));
    }
    count = i32x4.extract_lane(counts, 0) + i32x4.extract_lane(counts, 1) +
      i32x4.extract_lane(counts, 2) + i32x4.extract_lane(counts, 3);
  }
  for (; i < n; i++) {
    if ((load<u32>(a + (<usize>i << 2)) & 0x7f800000) == 0x7f800000) count++;
  }
  return count;
}
