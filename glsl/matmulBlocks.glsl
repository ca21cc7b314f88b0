// out = op(A)·op(B) (+ bias) four rows at a time, for op(A) with contiguous rows
// (A_ROWS) or columns and op(B) with contiguous rows (B_ROWS) or columns, as the host
// defines; HAS_BIAS; ALIGNED when every fetch4 below starts on a texel. The fragment
// for row block `block` and columns j .. j + 3 (j < n4 = n rounded up to a multiple of
// 4) writes outputs (4 block + r, j .. j + 3) to render target r, and glsl/matmulUnblock.glsl
// puts them in place. Each fetch of op(B) then serves four rows: eight fetches per 64
// multiply-adds. Every output is summed from +0 over p in order, bias last: the order
// of every other device. Rows past m and columns past n compute values never copied out.
INPUT(a)
INPUT(b)
INPUT(bias)
uniform int u_m, u_k, u_n4, u_aRow, u_aCol, u_bRow, u_bCol;

layout(location = 0) out vec4 o_row0;
layout(location = 1) out vec4 o_row1;
layout(location = 2) out vec4 o_row2;
layout(location = 3) out vec4 o_row3;

// acc += A(row, p .. p + 3) · B(p .. p + 3, j .. j + 3), one p after the other.
#define ADD_ROW(acc, aRow) acc = fadd(acc, fmul(vec4(aRow.x), b[0])); acc = fadd(acc, fmul(vec4(aRow.y), b[1])); \
  acc = fadd(acc, fmul(vec4(aRow.z), b[2])); acc = fadd(acc, fmul(vec4(aRow.w), b[3]))

void main() {
  int e = firstElement();
  int block = e / u_n4;
  int j = e - block * u_n4;
  ivec4 rows = min(ivec4(4 * block) + ivec4(0, 1, 2, 3), ivec4(u_m - 1));
  // Where A(rows[r], 0) and B(0, j + c) are; each moves by p * u_aCol and p * u_bRow.
  ivec4 ia = ivec4(u_aOffset) + rows * u_aRow;
  ivec4 ib = ivec4(u_bOffset) + (ivec4(j) + ivec4(0, 1, 2, 3)) * u_bCol;
  vec4 acc0 = vec4(0.0), acc1 = vec4(0.0), acc2 = vec4(0.0), acc3 = vec4(0.0);
  int p = 0;
  for (; p + 4 <= u_k; p += 4) {
    // a[r] = A(rows[r], p .. p + 3); b[q] = B(p + q, j .. j + 3).
#ifdef A_ROWS
    mat4 a = mat4(fetch4(A, ia.x + p), fetch4(A, ia.y + p), fetch4(A, ia.z + p), fetch4(A, ia.w + p));
#else
    int at = ia.x + p * u_aCol;
    mat4 a = transpose(mat4(fetch4(A, at), fetch4(A, at + u_aCol), fetch4(A, at + 2 * u_aCol), fetch4(A, at + 3 * u_aCol)));
#endif
#ifdef B_ROWS
    int bt = ib.x + p * u_bRow;
    mat4 b = mat4(fetch4(B, bt), fetch4(B, bt + u_bRow), fetch4(B, bt + 2 * u_bRow), fetch4(B, bt + 3 * u_bRow));
#else
    mat4 b = transpose(mat4(fetch4(B, ib.x + p), fetch4(B, ib.y + p), fetch4(B, ib.z + p), fetch4(B, ib.w + p)));
#endif
    ADD_ROW(acc0, a[0]);
    ADD_ROW(acc1, a[1]);
    ADD_ROW(acc2, a[2]);
    ADD_ROW(acc3, a[3]);
  }
  for (; p < u_k; p++) {
    vec4 column = vec4(fetch1(A, ia.x + p * u_aCol), fetch1(A, ia.y + p * u_aCol), fetch1(A, ia.z + p * u_aCol),
      fetch1(A, ia.w + p * u_aCol));
    ivec4 at = ib + p * u_bRow;
    vec4 row = vec4(fetch1(B, at.x), fetch1(B, at.y), fetch1(B, at.z), fetch1(B, at.w));
    acc0 = fadd(acc0, fmul(vec4(column.x), row));
    acc1 = fadd(acc1, fmul(vec4(column.y), row));
    acc2 = fadd(acc2, fmul(vec4(column.z), row));
    acc3 = fadd(acc3, fmul(vec4(column.w), row));
  }
#ifdef HAS_BIAS
  vec4 bias = fetch4(BIAS, u_biasOffset + j);
  acc0 = fadd(acc0, bias);
  acc1 = fadd(acc1, bias);
  acc2 = fadd(acc2, bias);
  acc3 = fadd(acc3, bias);
#endif
  o_row0 = acc0;
  o_row1 = acc1;
  o_row2 = acc2;
  o_row3 = acc3;
}
