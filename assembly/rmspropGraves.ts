import { fl, fload, fadd, fsub, fmul, fdiv, fsqrt, vload, vadd, vsub, vmul, vdiv, vsqrt } from "./subnormals";

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
  step(w, g, mg, ms, d, n, learnRate, alpha, b, momRate, epsilon, false);
}

/** rmspropGraves under subnormals "flush". */
export function rmspropGravesFlush(
  w: usize, g: usize, mg: usize, ms: usize, d: usize, n: i32,
  learnRate: f32, alpha: f32, b: f32, momRate: f32, epsilon: f32
): void {
  step(w, g, mg, ms, d, n, learnRate, alpha, b, momRate, epsilon, true);
}

@inline function step(
  w: usize, g: usize, mg: usize, ms: usize, d: usize, n: i32,
  learnRate: f32, alpha: f32, b: f32, momRate: f32, epsilon: f32, flush: bool
): void {
  learnRate = fl(learnRate, flush);
  alpha = fl(alpha, flush);
  b = fl(b, flush);
  momRate = fl(momRate, flush);
  epsilon = fl(epsilon, flush);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vlr = f32x4.splat(learnRate);
    const va = f32x4.splat(alpha);
    const vb = f32x4.splat(b);
    const vmom = f32x4.splat(momRate);
    const veps = f32x4.splat(epsilon);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const gi = vload(g + o, flush);
      const mgi = vadd(vmul(va, vload(mg + o, flush), flush), vmul(vb, gi, flush), flush);
      const msi = vadd(vmul(va, vload(ms + o, flush), flush), vmul(vb, vmul(gi, gi, flush), flush), flush);
      const root = vsqrt(vadd(vsub(msi, vmul(mgi, mgi, flush), flush), veps, flush), flush);
      const di = vsub(vmul(vmom, vload(d + o, flush), flush), vdiv(vmul(vlr, gi, flush), root, flush), flush);
      v128.store(mg + o, mgi);
      v128.store(ms + o, msi);
      v128.store(d + o, di);
      v128.store(w + o, vadd(vload(w + o, flush), di, flush));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = fload(g + o, flush);
    const mgi = fadd(fmul(alpha, fload(mg + o, flush), flush), fmul(b, gi, flush), flush);
    const msi = fadd(fmul(alpha, fload(ms + o, flush), flush), fmul(b, fmul(gi, gi, flush), flush), flush);
    const root = fsqrt(fadd(fsub(msi, fmul(mgi, mgi, flush), flush), epsilon, flush), flush);
    const di = fsub(fmul(momRate, fload(d + o, flush), flush), fdiv(fmul(learnRate, gi, flush), root, flush), flush);
    store<f32>(mg + o, mgi);
    store<f32>(ms + o, msi);
    store<f32>(d + o, di);
    store<f32>(w + o, fadd(fload(w + o, flush), di, flush));
  }
}
