// out = a OP b (OP of a alone for square roots), elementwise, through common.wgsl's strict
// operations: what the device's self-test checks on the hard cases of rounding.
// OP: 0 fadd, 1 fsub, 2 fmul, 3 fdiv, 4 fsqrt. Parameters: the offsets of a, b and out.
override OP: u32 = 0u;

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = invocation(id, groups);
  if (e >= parameters.count) { return; }
  let x = operand(vec4f(a[value(0u) + e]));
  let y = operand(vec4f(b[value(1u) + e]));
  var r: vec4f;
  switch (OP) {
    case 0u: { r = fadd(x, y); }
    case 1u: { r = fsub(x, y); }
    case 2u: { r = fmul(x, y); }
    case 3u: { r = fdiv(x, y); }
    default: { r = fsqrt(x); }
  }
  out[value(2u) + e] = r.x;
}
