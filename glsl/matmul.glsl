// out = op(A)·op(B) (+ bias), each output summed from +0 over p in order, bias last:
// the order of every other device.
uniform sampler2D u_a, u_b, u_bias;
uniform int u_aOffset, u_bOffset, u_biasOffset;
uniform int u_k, u_n, u_aRow, u_aCol, u_bRow, u_bCol;
uniform bool u_useBias;
// Set by the host when a fragment's four outputs are always columns j .. j + 3 of one
// row (n and the output's offset multiples of 4).
uniform bool u_rowTexels;

out vec4 o_out;

float aAt(int i, int p) {
  return fetch1(u_a, u_aOffset + i * u_aRow + p * u_aCol);
}

// Elements p .. p + 3 of row i of op(A).
vec4 aRow(int i, int p) {
  int at = u_aOffset + i * u_aRow + p * u_aCol;
  if (u_aCol == 1) return fetch4(u_a, at);
  return vec4(fetch1(u_a, at), fetch1(u_a, at + u_aCol), fetch1(u_a, at + 2 * u_aCol), fetch1(u_a, at + 3 * u_aCol));
}

// Columns j .. j + 3 of row p of op(B).
vec4 bRow(int p, int j) {
  int at = u_bOffset + p * u_bRow + j * u_bCol;
  if (u_bCol == 1) return fetch4(u_b, at);
  return vec4(fetch1(u_b, at), fetch1(u_b, at + u_bCol), fetch1(u_b, at + 2 * u_bCol), fetch1(u_b, at + 3 * u_bCol));
}

// Outputs (i, j .. j + 3), p in blocks of four: one texel of op(A) and four of op(B)
// per sixteen multiply-adds where the rows (or, for a transposed B, the columns) are
// contiguous.
vec4 rowOfFour(int i, int j, int k) {
  vec4 acc = vec4(0.0);
  int p = 0;
  if (u_bRow == 1 && u_bCol != 1) {
    // op(B) is a transposed matrix: each column is contiguous in p.
    for (; p + 4 <= k; p += 4) {
      vec4 a = aRow(i, p);
      int at = u_bOffset + p + j * u_bCol;
      mat4 rows = transpose(mat4(fetch4(u_b, at), fetch4(u_b, at + u_bCol), fetch4(u_b, at + 2 * u_bCol),
        fetch4(u_b, at + 3 * u_bCol)));
      acc += a.x * rows[0];
      acc += a.y * rows[1];
      acc += a.z * rows[2];
      acc += a.w * rows[3];
    }
  } else {
    for (; p + 4 <= k; p += 4) {
      vec4 a = aRow(i, p);
      acc += a.x * bRow(p, j);
      acc += a.y * bRow(p + 1, j);
      acc += a.z * bRow(p + 2, j);
      acc += a.w * bRow(p + 3, j);
    }
  }
  for (; p < k; p++) acc += aAt(i, p) * bRow(p, j);
  if (u_useBias) acc += fetch4(u_bias, u_biasOffset + j);
  return acc;
}

// Output (i, j) alone, for the outputs of a texel that span two rows.
float single(int i, int j, int k) {
  float acc = 0.0;
  for (int p = 0; p < k; p++) acc += aAt(i, p) * fetch1(u_b, u_bOffset + p * u_bRow + j * u_bCol);
  if (u_useBias) acc += fetch1(u_bias, u_biasOffset + j);
  return acc;
}

void main() {
  int e = firstElement();
  if (e == NONE) discard;
  int k = e == NONE ? 0 : u_k;
  if (u_rowTexels) {
    int i = e / u_n;
    o_out = rowOfFour(i, e - i * u_n, k);
    return;
  }
  vec4 out4 = vec4(0.0);
  for (int c = 0; c < 4; c++) {
    int element = e + c;
    bool inside = element >= 0 && element < u_count;
    int i = inside ? element / u_n : 0;
    out4[c] = inside ? single(i, element - i * u_n, k) : 0.0;
  }
  o_out = out4;
}
