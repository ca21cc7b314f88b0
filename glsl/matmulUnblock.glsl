// The second pass of glsl/matmulBlocks.glsl: output element (i, j) is element
// (i / 4, j) of row target i % 4, whose rows are u_n4 long. The host defines
// WHOLE_TEXELS when each output texel is one texel of a row target (n and the
// output's offset multiples of 4); otherwise each element is gathered on its own.
INPUT(row0)
INPUT(row1)
INPUT(row2)
INPUT(row3)
uniform int u_n, u_n4;

out vec4 o_out;

// Texel t of row target r.
vec4 rowTexel(int r, int t) {
  return r == 0 ? texel(ROW0, t) : r == 1 ? texel(ROW1, t) : r == 2 ? texel(ROW2, t) : texel(ROW3, t);
}

// The row targets' index of output element `element`.
int source(int element, out int r) {
  int i = element / u_n;
  r = i & 3;
  return (i >> 2) * u_n4 + element - i * u_n;
}

float gather(int element) {
  int r;
  int at = source(clamp(element, 0, u_count - 1), r);
  vec4 v = rowTexel(r, at >> 2);
  int lane = at & 3;
  return lane == 0 ? v.x : lane == 1 ? v.y : lane == 2 ? v.z : v.w;
}

void main() {
  int e = firstElement();
#ifdef WHOLE_TEXELS
  int r;
  int at = source(e, r);
  o_out = rowTexel(r, at >> 2);
#else
  o_out = vec4(gather(e), gather(e + 1), gather(e + 2), gather(e + 3));
#endif
}
