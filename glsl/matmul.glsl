// out = op(A)·op(B) (+ bias), each output summed from +0 over p in order, bias last:
// the order of every other device. The host picks the variant: A_ROWS (rows of op(A)
// contiguous), B_ROWS (rows of op(B) contiguous) or B_COLUMNS (columns contiguous: a
// transposed matrix), BIAS, ROW_TEXELS when a fragment's four outputs are always
// columns j .. j + 3 of one row (n and the output's offset multiples of 4), and
// ALIGNED when, on top of that, every row or column walked starts on a texel and
// steps by whole texels.
uniform sampler2D u_a, u_b, u_bias;
uniform int u_aOffset, u_bOffset, u_biasOffset;
uniform int u_k, u_n, u_aRow, u_aCol, u_bRow, u_bCol;

out vec4 o_out;

float aAt(int i, int p) {
  return fetch1(u_a, u_aOffset + i * u_aRow + p * u_aCol);
}

float bAt(int p, int j) {
  return fetch1(u_b, u_bOffset + p * u_bRow + j * u_bCol);
}

#ifdef ROW_TEXELS
// Columns j .. j + 3 of row p of op(B).
vec4 bRow(int p, int j) {
#ifdef B_ROWS
  return fetch4(u_b, u_bOffset + p * u_bRow + j);
#else
  return vec4(bAt(p, j), bAt(p, j + 1), bAt(p, j + 2), bAt(p, j + 3));
#endif
}

#ifdef ALIGNED
float lane(vec4 v, int l) {
  return l == 0 ? v.x : l == 1 ? v.y : l == 2 ? v.z : v.w;
}

// Outputs (i, j .. j + 3), p in blocks of four, walking texel indices: one texel of
// op(A) (four with a strided A) and four of op(B) per sixteen multiply-adds.
vec4 rowOfFour(int i, int j) {
  vec4 acc = vec4(0.0);
  int aStart = u_aOffset + i * u_aRow;
  int ta = aStart >> 2;
#ifndef A_ROWS
  int la = aStart & 3, aStep = u_aCol >> 2;
#endif
#ifdef B_ROWS
  int tb = (u_bOffset + j) >> 2, bStep = u_bRow >> 2;
#else
  int tb = (u_bOffset + j * u_bCol) >> 2, bStep = u_bCol >> 2;
#endif
  int p = 0;
  for (; p + 4 <= u_k; p += 4) {
#ifdef A_ROWS
    vec4 a = texel(u_a, ta++);
#else
    vec4 a = vec4(lane(texel(u_a, ta), la), lane(texel(u_a, ta + aStep), la), lane(texel(u_a, ta + 2 * aStep), la),
      lane(texel(u_a, ta + 3 * aStep), la));
    ta += 4 * aStep;
#endif
#ifdef B_ROWS
    acc += a.x * texel(u_b, tb);
    acc += a.y * texel(u_b, tb + bStep);
    acc += a.z * texel(u_b, tb + 2 * bStep);
    acc += a.w * texel(u_b, tb + 3 * bStep);
    tb += 4 * bStep;
#else
    // Columns j .. j + 3 at p .. p + 3, turned into rows p .. p + 3.
    mat4 rows = transpose(mat4(texel(u_b, tb), texel(u_b, tb + bStep), texel(u_b, tb + 2 * bStep),
      texel(u_b, tb + 3 * bStep)));
    acc += a.x * rows[0];
    acc += a.y * rows[1];
    acc += a.z * rows[2];
    acc += a.w * rows[3];
    tb++;
#endif
  }
  for (; p < u_k; p++) acc += aAt(i, p) * bRow(p, j);
#ifdef BIAS
  acc += fetch4(u_bias, u_biasOffset + j);
#endif
  return acc;
}
#else
// Elements p .. p + 3 of row i of op(A).
vec4 aRow(int i, int p) {
#ifdef A_ROWS
  return fetch4(u_a, u_aOffset + i * u_aRow + p);
#else
  return vec4(aAt(i, p), aAt(i, p + 1), aAt(i, p + 2), aAt(i, p + 3));
#endif
}

// Outputs (i, j .. j + 3), p in blocks of four, at any alignment.
vec4 rowOfFour(int i, int j) {
  vec4 acc = vec4(0.0);
  int p = 0;
  for (; p + 4 <= u_k; p += 4) {
    vec4 a = aRow(i, p);
#ifdef B_COLUMNS
    int at = u_bOffset + p + j * u_bCol;
    mat4 rows = transpose(mat4(fetch4(u_b, at), fetch4(u_b, at + u_bCol), fetch4(u_b, at + 2 * u_bCol),
      fetch4(u_b, at + 3 * u_bCol)));
    acc += a.x * rows[0];
    acc += a.y * rows[1];
    acc += a.z * rows[2];
    acc += a.w * rows[3];
#else
    acc += a.x * bRow(p, j);
    acc += a.y * bRow(p + 1, j);
    acc += a.z * bRow(p + 2, j);
    acc += a.w * bRow(p + 3, j);
#endif
  }
  for (; p < u_k; p++) acc += aAt(i, p) * bRow(p, j);
#ifdef BIAS
  acc += fetch4(u_bias, u_biasOffset + j);
#endif
  return acc;
}
#endif
#endif

// Output (i, j) alone, for the outputs of a texel that span two rows.
float single(int i, int j) {
  float acc = 0.0;
  for (int p = 0; p < u_k; p++) acc += aAt(i, p) * bAt(p, j);
#ifdef BIAS
  acc += fetch1(u_bias, u_biasOffset + j);
#endif
  return acc;
}

void main() {
  int e = firstElement();
#ifdef ROW_TEXELS
  int i = e / u_n;
  o_out = rowOfFour(i, e - i * u_n);
#else
  vec4 out4;
  for (int c = 0; c < 4; c++) {
    // Elements outside the output (in a partly written texel) compute a clamped one.
    int element = clamp(e + c, 0, u_count - 1);
    int i = element / u_n;
    out4[c] = single(i, element - i * u_n);
  }
  o_out = out4;
#endif
}
