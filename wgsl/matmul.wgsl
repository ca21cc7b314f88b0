// out = op(A)·op(B) (+ bias): element (i, p) of op(A) at a[aOffset + i*aRow + p*aCol],
// element (p, j) of op(B) at b[bOffset + p*bRow + j*bCol]. An invocation computes a block
// of four rows by four columns (one gather of op(B)'s four columns serves four rows), each
// output summed from +0 over p in order, bias last: the order of every other device.
// Parameters: the offsets of a, b, bias and out, then m, k, n, aRow, aCol, bRow, bCol.
// Without HAS_BIAS, `bias` is bound but not read.
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
  let i = (t / n4) * 4u;
  if (i >= m) { return; }
  let j = (t % n4) * 4u;
  // Rows and columns past the ends repeat the last (computed, never stored).
  let lanes = vec4u(0u, 1u, 2u, 3u);
  let cols = min(vec4u(j) + lanes, vec4u(n - 1u)) * value(10u) + vec4u(value(1u));
  let rows = min(vec4u(i) + lanes, vec4u(m - 1u)) * value(7u) + vec4u(value(0u));
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var p = 0u; p < k; p++) {
    let at = vec4u(p * value(9u)) + cols;
    let bp = vec4f(b[at.x], b[at.y], b[at.z], b[at.w]);
    let ap = rows + vec4u(p * value(8u));
    acc0 = fadd(acc0, fmul(vec4f(a[ap.x]), bp));
    acc1 = fadd(acc1, fmul(vec4f(a[ap.y]), bp));
    acc2 = fadd(acc2, fmul(vec4f(a[ap.z]), bp));
    acc3 = fadd(acc3, fmul(vec4f(a[ap.w]), bp));
  }
  if (HAS_BIAS) {
    let at = min(vec4u(j) + lanes, vec4u(n - 1u)) + vec4u(value(2u));
    let bv = vec4f(bias[at.x], bias[at.y], bias[at.z], bias[at.w]);
    acc0 = fadd(acc0, bv);
    acc1 = fadd(acc1, bv);
    acc2 = fadd(acc2, bv);
    acc3 = fadd(acc3, bv);
  }
  let block = array<vec4f, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0u; r < 4u; r++) {
    if (i + r >= m) { return; }
    let base = value(3u) + (i + r) * n + j;
    for (var c = 0u; c < 4u; c++) {
      if (j + c < n) { out[base + c] = block[r][c]; }
    }
  }
}
