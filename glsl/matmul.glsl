// out = op(A)·op(B) (+ bias), one output per fragment, summed from +0 over p in
// order, bias last: the order of every other device.
uniform sampler2D u_a, u_b, u_bias;
uniform int u_aOffset, u_bOffset, u_biasOffset;
uniform int u_k, u_n, u_aRow, u_aCol, u_bRow, u_bCol;
uniform bool u_useBias;

out float o_out;

void main() {
  int e = outputIndex();
  if (e < 0) discard;
  int i = e / u_n;
  int j = e - i * u_n;
  float acc = 0.0;
  int k = e < 0 ? 0 : u_k;
  for (int p = 0; p < k; p++) {
    acc += fetch(u_a, u_aOffset + i * u_aRow + p * u_aCol) * fetch(u_b, u_bOffset + p * u_bRow + j * u_bCol);
  }
  if (u_useBias) acc += fetch(u_bias, u_biasOffset + j);
  o_out = acc;
}
