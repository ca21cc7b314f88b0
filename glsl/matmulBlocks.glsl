// out = op(A)·op(B) (+ bias) four rows at a time, for matrices whose rows or columns
// start on texels and step by whole texels (the host checks): the fragment for row
// block ib and columns j .. j + 3 writes outputs (4ib + r, j .. j + 3) to render
// target r, and glsl/matmulUnblock.glsl puts them in place. Each texel of op(B) then
// serves four rows: eight fetches per 64 multiply-adds. Every output is summed from
// +0 over p in order, bias last: the order of every other device. Rows past m (in the
// last block) repeat row m - 1 and are never copied out.
// The host defines A_ROWS (rows of op(A) contiguous; else its columns are) and B_ROWS
// (rows of op(B) contiguous; else its columns are), and HAS_BIAS.
uniform sampler2D u_a;
uniform int u_aOffset, u_aShift, u_aLast;
#define A u_a, u_aShift, u_aLast
uniform sampler2D u_b;
uniform int u_bOffset, u_bShift, u_bLast;
#define B u_b, u_bShift, u_bLast
uniform sampler2D u_bias;
uniform int u_biasOffset, u_biasShift, u_biasLast;
#define BIAS u_bias, u_biasShift, u_biasLast
uniform int u_m, u_k, u_n, u_aRow, u_aCol, u_bRow, u_bCol;

layout(location = 0) out vec4 o_row0;
layout(location = 1) out vec4 o_row1;
layout(location = 2) out vec4 o_row2;
layout(location = 3) out vec4 o_row3;

// acc += A(row, p .. p + 3) · B(p .. p + 3, j .. j + 3), one p after the other.
#define ADD_ROW(acc, aRow) acc += aRow.x * b[0]; acc += aRow.y * b[1]; acc += aRow.z * b[2]; acc += aRow.w * b[3]

void main() {
  int e = firstElement();
  int block = e / u_n;
  int j = e - block * u_n;
  ivec4 rows = min(ivec4(4 * block) + ivec4(0, 1, 2, 3), ivec4(u_m - 1));
  vec4 acc0 = vec4(0.0), acc1 = vec4(0.0), acc2 = vec4(0.0), acc3 = vec4(0.0);
  // Texel indices at p = 0: of A(rows[r], p .. p + 3), or of A(rows, p), stepping by aStep
  // texels per p; of B(p .. p + 3, j + c), or of B(p, j .. j + 3), stepping by bStep.
#ifdef A_ROWS
  ivec4 ta = (ivec4(u_aOffset) + rows * u_aRow) >> 2;
#else
  int ta = (u_aOffset + rows.x * u_aRow) >> 2, aStep = u_aCol >> 2;
#endif
#ifdef B_ROWS
  int tb = (u_bOffset + j) >> 2, bStep = u_bRow >> 2;
#else
  int tb = (u_bOffset + j * u_bCol) >> 2, bStep = u_bCol >> 2;
#endif
  int p = 0;
  for (; p + 4 <= u_k; p += 4) {
    // a[r] = A(rows[r], p .. p + 3); b[q] = B(p + q, j .. j + 3).
#ifdef A_ROWS
    mat4 a = mat4(texel(A, ta.x), texel(A, ta.y), texel(A, ta.z), texel(A, ta.w));
    ta += 1;
#else
    mat4 a = transpose(mat4(texel(A, ta), texel(A, ta + aStep), texel(A, ta + 2 * aStep), texel(A, ta + 3 * aStep)));
    ta += 4 * aStep;
#endif
#ifdef B_ROWS
    mat4 b = mat4(texel(B, tb), texel(B, tb + bStep), texel(B, tb + 2 * bStep), texel(B, tb + 3 * bStep));
    tb += 4 * bStep;
#else
    mat4 b = transpose(mat4(texel(B, tb), texel(B, tb + bStep), texel(B, tb + 2 * bStep), texel(B, tb + 3 * bStep)));
    tb += 1;
#endif
    ADD_ROW(acc0, a[0]);
    ADD_ROW(acc1, a[1]);
    ADD_ROW(acc2, a[2]);
    ADD_ROW(acc3, a[3]);
  }
  for (; p < u_k; p++) {
    // column = A(rows, p); row = B(p, j .. j + 3).
    vec4 column = vec4(fetch1(A, u_aOffset + rows.x * u_aRow + p * u_aCol), fetch1(A, u_aOffset + rows.y * u_aRow + p * u_aCol),
      fetch1(A, u_aOffset + rows.z * u_aRow + p * u_aCol), fetch1(A, u_aOffset + rows.w * u_aRow + p * u_aCol));
    int at = u_bOffset + p * u_bRow + j * u_bCol;
    vec4 row = vec4(fetch1(B, at), fetch1(B, at + u_bCol), fetch1(B, at + 2 * u_bCol), fetch1(B, at + 3 * u_bCol));
    acc0 += column.x * row;
    acc1 += column.y * row;
    acc2 += column.z * row;
    acc3 += column.w * row;
  }
#ifdef HAS_BIAS
  vec4 bias = fetch4(BIAS, u_biasOffset + j);
  acc0 += bias;
  acc1 += bias;
  acc2 += bias;
  acc3 += bias;
#endif
  o_row0 = acc0;
  o_row1 = acc1;
  o_row2 = acc2;
  o_row3 = acc3;
}
