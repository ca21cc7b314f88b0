// y[b][j][i] = x[b][i][j] (+ bias[j] with HAS_BIAS) for x of shape [batches, rows, cols].
INPUT(x)
INPUT(bias)
uniform int u_rows, u_cols;

out vec4 o_out;

void main() {
  ivec4 e = clamp(ivec4(firstElement()) + ivec4(0, 1, 2, 3), ivec4(0), ivec4(u_count - 1));
  int size = u_rows * u_cols;
  ivec4 b = e / size;
  ivec4 rest = e - b * size;
  ivec4 j = rest / u_rows;
  ivec4 i = rest - j * u_rows;
  vec4 v = GATHER(X, u_xOffset, (b * size + i * u_cols + j));
#ifdef HAS_BIAS
  v = fadd(v, GATHER(BIAS, u_biasOffset, j));
#endif
  o_out = v;
}
