// BatchNorm2D's input gradient per element (HandWrittenKernels.batchNormBackward): with
// xhat = (x - mean_c) * invStd_c and count = n * positions as a float32,
// dx = ((dy - dbias_c / count) - xhat * (dscale_c / count)) * (scale_c * invStd_c),
// the three per-channel factors from batchNormFactors.wgsl (so that no pass binds more
// than the 8 storage buffers WebGPU guarantees). Parameters: the offsets of x, mean,
// invStd, dy, factors and dx, then channels and positions; the element count is
// parameters.count.
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> invStd: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read> factors: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = invocation(id, groups);
  if (e >= parameters.count) { return; }
  let channels = value(6u);
  let c = (e / value(7u)) % channels;
  let f = value(4u) + c;
  let xhat = fmul(fsub(operand(vec4f(x[value(0u) + e])), operand(vec4f(mean[value(1u) + c]))),
    operand(vec4f(invStd[value(2u) + c])));
  let centered = fsub(fsub(operand(vec4f(dy[value(3u) + e])), vec4f(factors[f])), fmul(xhat, vec4f(factors[f + channels])));
  dx[value(5u) + e] = fmul(centered, vec4f(factors[f + 2u * channels])).x;
}
