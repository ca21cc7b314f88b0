/**
 * The fused Graves RMSProp step over n elements: see RMSPropGraves (src/optimizers)
 * for the equation. Every operation is one f32 rounding, in the documented order, so
 * the SIMD lanes, the scalar tail and the JS reference give the same bits.
 * `b` is 1 - alpha, rounded once on the host.
 */
export function rmspropGraves(
  w: usize, g: usize, mg: usize, ms: usize, d: usize, n: i32,
  learnRate: f32, alpha: f32, b: f32, momRate: f32, epsilon: f32
): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(learnRate);
    const va = f32x4.splat(alpha);
    const vb = f32x4.splat(b);
    const vmom = f32x4.splat(momRate);
    const veps = f32x4.splat(epsilon);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const gi = v128.load(g + o);
      const mgi = f32x4.add(f32x4.mul(va, v128.load(mg + o)), f32x4.mul(vb, gi));
      const msi = f32x4.add(f32x4.mul(va, v128.load(ms + o)), f32x4.mul(vb, f32x4.mul(gi, gi)));
      const root = f32x4.sqrt(f32x4.add(f32x4.sub(msi, f32x4.mul(mgi, mgi)), veps));
      const di = f32x4.sub(f32x4.mul(vmom, v128.load(d + o)), f32x4.div(f32x4.mul(vlr, gi), root));
      v128.store(mg + o, mgi);
      v128.store(ms + o, msi);
      v128.store(d + o, di);
      v128.store(w + o, f32x4.add(v128.load(w + o), di));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const mgi = alpha * load<f32>(mg + o) + b * gi;
    const msi = alpha * load<f32>(ms + o) + b * (gi * gi);
    const di = momRate * load<f32>(d + o) - (learnRate * gi) / Mathf.sqrt((msi - mgi * mgi) + epsilon);
    store<f32>(mg + o, mgi);
    store<f32>(ms + o, msi);
    store<f32>(d + o, di);
    store<f32>(w + o, load<f32>(w + o) + di);
  }
}
