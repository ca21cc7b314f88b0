// out = op(A)·op(B) (+ bias) for any strides, one output per element: the general case
// (glsl/matmulBlocks.glsl takes operands with contiguous rows or columns). Each output
// is summed from +0 over p in order, bias last: the order of every other device. The
// host defines HAS_BIAS.
INPUT(a)
INPUT(b)
INPUT(bias)
uniform int u_k, u_n, u_aRow, u_aCol, u_bRow, u_bCol;

out vec4 o_out;

// Output element `element` (clamped into the output: a partly written texel computes
// some outputs twice).
float single(int element) {
  element = clamp(element, 0, u_count - 1);
  int i = element / u_n;
  int j = element - i * u_n;
  float acc = 0.0;
  for (int p = 0; p < u_k; p++) {
    acc = fadd(acc, fmul(fetch1(A, u_aOffset + i * u_aRow + p * u_aCol), fetch1(B, u_bOffset + p * u_bRow + j * u_bCol)));
  }
#ifdef HAS_BIAS
  acc = fadd(acc, fetch1(BIAS, u_biasOffset + j));
#endif
  return acc;
}

void main() {
  int e = firstElement();
  o_out = vec4(single(e), single(e + 1), single(e + 2), single(e + 3));
}
