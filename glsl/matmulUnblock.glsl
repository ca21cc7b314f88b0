// The second pass of glsl/matmulBlocks.glsl: output texel (i, j .. j + 3) is texel
// (i / 4, j .. j + 3) of row target i % 4 (the output starts on a texel and n is a
// multiple of 4).
uniform sampler2D u_row0;
uniform int u_row0Offset, u_row0Shift, u_row0Last;
#define ROW0 u_row0, u_row0Shift, u_row0Last
uniform sampler2D u_row1;
uniform int u_row1Offset, u_row1Shift, u_row1Last;
#define ROW1 u_row1, u_row1Shift, u_row1Last
uniform sampler2D u_row2;
uniform int u_row2Offset, u_row2Shift, u_row2Last;
#define ROW2 u_row2, u_row2Shift, u_row2Last
uniform sampler2D u_row3;
uniform int u_row3Offset, u_row3Shift, u_row3Last;
#define ROW3 u_row3, u_row3Shift, u_row3Last
uniform int u_n;

out vec4 o_out;

void main() {
  int e = firstElement();
  int i = e / u_n;
  int t = ((i >> 2) * u_n + e - i * u_n) >> 2;
  int r = i & 3;
  o_out = r == 0 ? texel(ROW0, t) : r == 1 ? texel(ROW1, t) : r == 2 ? texel(ROW2, t) : texel(ROW3, t);
}
