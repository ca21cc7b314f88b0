// out[j] = a[0][j] + a[1][j] + ... for a of `rows` rows of `cols`, from +0 in row order.
// An invocation sums four consecutive columns. Parameters: the offsets of a and out,
// then rows and cols.
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let rows = value(2u); let cols = value(3u);
  let j = 4u * invocation(id, groups);
  if (j >= cols) { return; }
  let at = min(vec4u(j) + vec4u(0u, 1u, 2u, 3u), vec4u(cols - 1u)) + vec4u(value(0u));
  var acc = vec4f(0.0);
  for (var i = 0u; i < rows; i++) {
    let row = at + vec4u(i * cols);
    acc = fadd(acc, vec4f(a[row.x], a[row.y], a[row.z], a[row.w]));
  }
  for (var c = 0u; c < 4u; c++) {
    if (j + c < cols) { out[value(1u) + j + c] = acc[c]; }
  }
}
