//! include window
// im2row's inverse sum (HandWrittenKernels.row2im): one element of x per invocation, the
// cols entries im2row would copy from it summed from +0 over kernel positions (r, s) in
// row-major order. Parameters: the offsets of cols and x, then the window (window.wgsl);
// the element count is parameters.count.
const ARRAYS = 2u;
@group(0) @binding(0) var<storage, read> cols: array<f32>;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = invocation(id, groups);
  if (e >= parameters.count) { return; }
  let s = windowShape();
  let k = s.maps * s.kernelH * s.kernelW;
  let at = i32(e);
  let w = at % s.width;
  let h = (at / s.width) % s.height;
  let c = (at / (s.width * s.height)) % s.maps;
  let i = at / (s.width * s.height * s.maps);
  var acc = vec4f(0.0);
  for (var r = 0; r < s.kernelH; r++) {
    let oh = windowOutput(h, r, s.strideH, s.padH, s.dilationH, s.outH);
    if (oh < 0) { continue; }
    for (var q = 0; q < s.kernelW; q++) {
      let ow = windowOutput(w, q, s.strideW, s.padW, s.dilationW, s.outW);
      if (ow < 0) { continue; }
      acc = fadd(acc, vec4f(cols[value(0u) + u32(((i * s.outH + oh) * s.outW + ow) * k + (c * s.kernelH + r) * s.kernelW + q)]));
    }
  }
  x[value(1u) + e] = acc.x;
}
