// y = y + scale * x. y is read and written, so the pass runner ping-pongs it.
uniform sampler2D u_x;
uniform int u_xOffset, u_xShift, u_xLast;
#define X u_x, u_xShift, u_xLast
uniform sampler2D u_y;
uniform int u_yOffset, u_yShift, u_yLast;
#define Y u_y, u_yShift, u_yLast
uniform float u_scale;

out vec4 o_y;

void main() {
  int e = firstElement();
  o_y = fetch4(Y, u_yOffset + e) + u_scale * fetch4(X, u_xOffset + e);
}
