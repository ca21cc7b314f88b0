//! include window
// Conv2D's patches as rows (HandWrittenKernels.im2row): one element of cols per
// invocation, +0 in the padding, the input's bits copied as they are. Parameters: the
// offsets of x and cols, then the window (window.wgsl); the element count is parameters.count.
const ARRAYS = 2u;
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> cols: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = invocation(id, groups);
  if (e >= parameters.count) { return; }
  let s = windowShape();
  let k = u32(s.maps * s.kernelH * s.kernelW);
  let row = i32(e / k);
  let col = i32(e % k);
  let ow = row % s.outW;
  let oh = (row / s.outW) % s.outH;
  let i = row / (s.outW * s.outH);
  let q = col % s.kernelW;
  let r = (col / s.kernelW) % s.kernelH;
  let c = col / (s.kernelW * s.kernelH);
  let h = windowSource(oh, r, s.strideH, s.padH, s.dilationH, s.height);
  let w = windowSource(ow, q, s.strideW, s.padW, s.dilationW, s.width);
  var v = 0.0;
  if (h >= 0 && w >= 0) { v = x[value(0u) + u32(((i * s.maps + c) * s.height + h) * s.width + w)]; }
  cols[value(1u) + e] = v;
}
