// BatchNorm2D's forward pass per element (HandWrittenKernels.batchNorm): with xhat =
// (x - mean_c) * invStd_c, y = xhat * scale_c + bias_c. Parameters: the offsets of x,
// mean, invStd, scale, bias and y, then channels and positions; the element count is
// parameters.count.
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> invStd: array<f32>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = invocation(id, groups);
  if (e >= parameters.count) { return; }
  let c = (e / value(7u)) % value(6u);
  let xhat = fmul(fsub(operand(vec4f(x[value(0u) + e])), operand(vec4f(mean[value(1u) + c]))),
    operand(vec4f(invStd[value(2u) + c])));
  y[value(5u) + e] = fadd(fmul(xhat, operand(vec4f(scale[value(3u) + c]))), operand(vec4f(bias[value(4u) + c]))).x;
}
