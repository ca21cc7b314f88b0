// out = op(A)·op(B) (+ bias) at any alignment (glsl/matmulBlocks.glsl takes the
// aligned cases), each output summed from +0 over p in order, bias last: the order of
// every other device. The host picks the variant: A_ROWS (rows of op(A) contiguous),
// B_ROWS (rows of op(B) contiguous) or B_COLUMNS (columns contiguous: a transposed
// matrix), HAS_BIAS, and ROW_TEXELS when a fragment's four outputs are always columns
// j .. j + 3 of one row (n and the output's offset multiples of 4).
uniform sampler2D u_a;
uniform int u_aOffset, u_aShift, u_aLast;
#define A u_a, u_aShift, u_aLast
uniform sampler2D u_b;
uniform int u_bOffset, u_bShift, u_bLast;
#define B u_b, u_bShift, u_bLast
uniform sampler2D u_bias;
uniform int u_biasOffset, u_biasShift, u_biasLast;
#define BIAS u_bias, u_biasShift, u_biasLast
uniform int u_k, u_n, u_aRow, u_aCol, u_bRow, u_bCol;

out vec4 o_out;

float aAt(int i, int p) {
  return fetch1(A, u_aOffset + i * u_aRow + p * u_aCol);
}

float bAt(int p, int j) {
  return fetch1(B, u_bOffset + p * u_bRow + j * u_bCol);
}

#ifdef ROW_TEXELS
// Columns j .. j + 3 of row p of op(B).
vec4 bRow(int p, int j) {
#ifdef B_ROWS
  return fetch4(B, u_bOffset + p * u_bRow + j);
#else
  return vec4(bAt(p, j), bAt(p, j + 1), bAt(p, j + 2), bAt(p, j + 3));
#endif
}

// Elements p .. p + 3 of row i of op(A).
vec4 aRow(int i, int p) {
#ifdef A_ROWS
  return fetch4(A, u_aOffset + i * u_aRow + p);
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
    mat4 rows = transpose(mat4(fetch4(B, at), fetch4(B, at + u_bCol), fetch4(B, at + 2 * u_bCol),
      fetch4(B, at + 3 * u_bCol)));
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
#ifdef HAS_BIAS
  acc += fetch4(BIAS, u_biasOffset + j);
#endif
  return acc;
}
#endif

// Output (i, j) alone, for the outputs of a texel that span two rows.
float single(int i, int j) {
  float acc = 0.0;
  for (int p = 0; p < u_k; p++) acc += aAt(i, p) * bAt(p, j);
#ifdef HAS_BIAS
  acc += fetch1(BIAS, u_biasOffset + j);
#endif
  return acc;
}

void main() {
  int e = firstElement();
#ifdef ROW_TEXELS
  int i = e / u_n;
  o_out = rowOfFour(i, e - i * u_n);
#else
  // Elements outside the output (in a partly written texel) compute a clamped one.
  ivec4 element = clamp(ivec4(e) + ivec4(0, 1, 2, 3), 0, u_count - 1);
  ivec4 i = element / u_n;
  ivec4 j = element - i * u_n;
  o_out = vec4(single(i.x, j.x), single(i.y, j.y), single(i.z, j.z), single(i.w, j.w));
#endif
}
