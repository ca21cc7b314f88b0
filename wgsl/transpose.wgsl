// y[b][j][i] = x[b][i][j] (+ bias[j]) for x of shape [batches, rows, cols]; without
// HAS_BIAS the bits are copied as they are (no flush), as on every other device. An
// invocation writes four consecutive elements of y. Parameters: the offsets of x, bias
// and y, then batches, rows and cols.
override HAS_BIAS: bool = false;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> bias: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let rows = value(4u); let cols = value(5u);
  let count = value(3u) * rows * cols;
  let e = 4u * invocation(id, groups);
  if (e >= count) { return; }
  for (var c = 0u; c < 4u; c++) {
    let o = e + c;
    if (o >= count) { return; }
    // o = (b*cols + j)*rows + i
    let i = o % rows;
    let bj = o / rows;
    let j = bj % cols;
    let b = bj / cols;
    let element = x[value(0u) + (b * rows + i) * cols + j];
    if (HAS_BIAS) {
      y[value(2u) + o] = fadd(vec4f(element), vec4f(bias[value(1u) + j])).x;
    } else {
      y[value(2u) + o] = element;
    }
  }
}
