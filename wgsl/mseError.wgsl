// PuzzleLib's MSE error in one invocation: sum((pred - target)^2) / (2 * size), summed
// from +0 in element order (the order of every other device), into out[0] (`target` is a
// WGSL keyword: the target is `expected`). Parameters: the offsets of pred, target and
// out, then size's float32 bits; the element count is parameters.count.
@group(0) @binding(0) var<storage, read> pred: array<f32>;
@group(0) @binding(1) var<storage, read> expected: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  if (invocation(id, groups) != 0u) { return; }
  var acc = vec4f(0.0);
  for (var i = 0u; i < parameters.count; i++) {
    let diff = fsub(vec4f(pred[value(0u) + i]), vec4f(expected[value(1u) + i]));
    acc = fadd(acc, fmul(diff, diff));
  }
  let size = vec4f(bitcast<f32>(value(3u)));
  out[value(2u)] = fdiv(acc, fadd(size, size)).x;
}
