// out[j] = sum over rows of a[i][j], from +0 in row order; four columns per fragment.
INPUT(a)
uniform int u_rows, u_cols;

out vec4 o_out;

void main() {
  int j = firstElement();
  vec4 acc = vec4(0.0);
  for (int i = 0; i < u_rows; i++) acc = fadd(acc, fetch4(A, u_aOffset + i * u_cols + j));
  o_out = acc;
}
