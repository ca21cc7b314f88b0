// BatchNorm2D's per-channel sums (HandWrittenKernels.channelSums): one channel per
// invocation, over i then q from +0. SUM: 0, a; 1, (a - mean_c)^2; 2, b * ((a - mean_c)
// * invStd_c). Parameters: the offsets of a, b, mean, invStd and out, then n, channels
// and positions.
override SUM: u32 = 0u;
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> invStd: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let c = invocation(id, groups);
  let n = value(5u); let channels = value(6u); let positions = value(7u);
  if (c >= channels) { return; }
  var acc = vec4f(0.0);
  for (var i = 0u; i < n; i++) {
    let base = (i * channels + c) * positions;
    for (var q = 0u; q < positions; q++) {
      let v = operand(vec4f(a[value(0u) + base + q]));
      var term = v;
      if (SUM == 1u) {
        let d = fsub(v, operand(vec4f(mean[value(2u) + c])));
        term = fmul(d, d);
      } else if (SUM == 2u) {
        let xhat = fmul(fsub(v, operand(vec4f(mean[value(2u) + c]))), operand(vec4f(invStd[value(3u) + c])));
        term = fmul(operand(vec4f(b[value(1u) + base + q])), xhat);
      }
      acc = fadd(acc, term);
    }
  }
  out[value(4u) + c] = acc.x;
}
