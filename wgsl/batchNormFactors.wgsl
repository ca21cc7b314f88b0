// The per-channel factors of BatchNorm2D's input gradient (see batchNormBackward.wgsl),
// one channel per invocation: dbias_c / count, dscale_c / count and scale_c * invStd_c
// (the operations of HandWrittenKernels.batchNormBackward on the same values), written to
// three runs of `out`. Parameters: the offsets of scale, invStd, dscale, dbias and out,
// then channels and count's float32 bits.
@group(0) @binding(0) var<storage, read> scale: array<f32>;
@group(0) @binding(1) var<storage, read> invStd: array<f32>;
@group(0) @binding(2) var<storage, read> dscale: array<f32>;
@group(0) @binding(3) var<storage, read> dbias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let c = invocation(id, groups);
  let channels = value(5u);
  if (c >= channels) { return; }
  let count = vec4f(bitcast<f32>(value(6u)));
  out[value(4u) + c] = fdiv(operand(vec4f(dbias[value(3u) + c])), count).x;
  out[value(4u) + channels + c] = fdiv(operand(vec4f(dscale[value(2u) + c])), count).x;
  out[value(4u) + 2u * channels + c] = fmul(operand(vec4f(scale[value(0u) + c])), operand(vec4f(invStd[value(1u) + c]))).x;
}
