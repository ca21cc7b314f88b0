// out[j] = sum over rows of a[i][j], from +0 in row order.
uniform sampler2D u_a;
uniform int u_aOffset, u_rows, u_cols;

out float o_out;

void main() {
  int j = outputIndex();
  if (j < 0) discard;
  float acc = 0.0;
  int rows = j < 0 ? 0 : u_rows;
  for (int i = 0; i < rows; i++) acc += fetch(u_a, u_aOffset + i * u_cols + j);
  o_out = acc;
}
