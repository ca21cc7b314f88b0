// y = y + scale * x. y is read and written, so the pass runner ping-pongs it.
INPUT(x)
INPUT(y)
uniform float u_scale;

out vec4 o_y;

void main() {
  int e = firstElement();
  o_y = fadd(fetch4(Y, u_yOffset + e), fmul(vec4(u_scale), fetch4(X, u_xOffset + e)));
}
