//! include window
// The pools' forward pass (HandWrittenKernels.pool): one output per invocation. MODE 0:
// the window's first maximum (the first NaN if there is one) and its index h*width + w
// into `indices`; 1: the average with padding; 2: without. Parameters: the offsets of x,
// y and indices, then the window (window.wgsl); the output count is parameters.count.
override MODE: u32 = 0u;
const ARRAYS = 3u;
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> indices: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = invocation(id, groups);
  if (e >= parameters.count) { return; }
  let s = windowShape();
  let at = i32(e);
  let ow = at % s.outW;
  let oh = (at / s.outW) % s.outH;
  let map = (at / (s.outW * s.outH)) * s.height * s.width;
  var best = vec4f(0.0);
  var index = -1;
  var acc = vec4f(0.0);
  for (var r = 0; r < s.kernelH; r++) {
    let h = windowSource(oh, r, s.strideH, s.padH, 1, s.height);
    if (h < 0) { continue; }
    for (var q = 0; q < s.kernelW; q++) {
      let w = windowSource(ow, q, s.strideW, s.padW, 1, s.width);
      if (w < 0) { continue; }
      let v = operand(vec4f(x[value(0u) + u32(map + h * s.width + w)]));
      if (MODE != 0u) {
        acc = fadd(acc, v);
      } else if (index < 0 || (!isNaNBits(best).x && (isNaNBits(v).x || fgt(v, best).x))) {
        best = v;
        index = h * s.width + w;
      }
    }
  }
  if (MODE == 0u) {
    y[value(1u) + e] = best.x;
    indices[value(2u) + e] = f32(index);
  } else {
    y[value(1u) + e] = fdiv(acc, vec4f(divisor(s, oh, ow, MODE == 2u))).x;
  }
}
