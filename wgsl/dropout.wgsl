// Dropout's mask drawn per element (src/kernels/random.ts): y = x / keep where the
// 24-bit draw of the element's counter is below the threshold, else +0. Parameters: the
// offsets of x and y, then first, key0, key1, threshold and keep's float32 bits; the
// element count is parameters.count.
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = invocation(id, groups);
  if (e >= parameters.count) { return; }
  let draw = mix32(mix32(e + value(2u) + value(3u)) ^ value(4u)) >> 8u;
  let kept = fdiv(operand(vec4f(x[value(0u) + e])), vec4f(bitcast<f32>(value(6u)))).x;
  y[value(1u) + e] = select(0.0, kept, draw < value(5u));
}
