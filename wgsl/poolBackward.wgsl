//! include window
// The pools' backward pass (HandWrittenKernels.poolBackward): one element of dx per
// invocation, summed from +0 over the kernel positions (r, s) in row-major order whose
// window holds it. MODE as in pool.wgsl. Parameters: the offsets of dy, indices and dx,
// then the window (window.wgsl); the element count is parameters.count.
override MODE: u32 = 0u;
const ARRAYS = 3u;
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> indices: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = invocation(id, groups);
  if (e >= parameters.count) { return; }
  let s = windowShape();
  let at = i32(e);
  let w = at % s.width;
  let h = (at / s.width) % s.height;
  let m = at / (s.width * s.height);
  var acc = vec4f(0.0);
  for (var r = 0; r < s.kernelH; r++) {
    let oh = windowOutput(h, r, s.strideH, s.padH, 1, s.outH);
    if (oh < 0) { continue; }
    for (var q = 0; q < s.kernelW; q++) {
      let ow = windowOutput(w, q, s.strideW, s.padW, 1, s.outW);
      if (ow < 0) { continue; }
      let out = u32((m * s.outH + oh) * s.outW + ow);
      let d = operand(vec4f(dy[value(0u) + out]));
      if (MODE == 0u) {
        if (indices[value(1u) + out] == f32(h * s.width + w)) { acc = fadd(acc, d); }
      } else {
        acc = fadd(acc, fdiv(d, vec4f(divisor(s, oh, ow, MODE == 2u))));
      }
    }
  }
  dx[value(2u) + e] = acc.x;
}
