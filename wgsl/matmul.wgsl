// out = op(A)·op(B) (+ bias): element (i, p) of op(A) at a[aOffset + i*aRow + p*aCol],
// element (p, j) of op(B) at b[bOffset + p*bRow + j*bCol]. An invocation computes four
// consecutive outputs of one row, each summed from +0 over p in order, bias last: the
// order of every other device. Parameters: the offsets of a, b, bias and out, then m, k,
// n, aRow, aCol, bRow, bCol. Without HAS_BIAS, `bias` is bound but not read.
override HAS_BIAS: bool = false;

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let m = value(4u); let k = value(5u); let n = value(6u);
  let n4 = (n + 3u) / 4u;
  let t = invocation(id, groups);
  let i = t / n4;
  if (i >= m) { return; }
  let j = (t - i * n4) * 4u;
  // Columns past the row's end repeat its last (computed, never stored).
  let cols = min(vec4u(j) + vec4u(0u, 1u, 2u, 3u), vec4u(n - 1u)) * value(10u) + vec4u(value(1u));
  var acc = vec4f(0.0);
  for (var p = 0u; p < k; p++) {
    let av = vec4f(a[value(0u) + i * value(7u) + p * value(8u)]);
    let row = vec4u(p * value(9u)) + cols;
    acc = fadd(acc, fmul(av, vec4f(b[row.x], b[row.y], b[row.z], b[row.w])));
  }
  if (HAS_BIAS) {
    let at = min(vec4u(j) + vec4u(0u, 1u, 2u, 3u), vec4u(n - 1u)) + vec4u(value(2u));
    acc = fadd(acc, vec4f(bias[at.x], bias[at.y], bias[at.z], bias[at.w]));
  }
  let base = value(3u) + i * n + j;
  for (var c = 0u; c < 4u; c++) {
    if (j + c < n) { out[base + c] = acc[c]; }
  }
}
