// y = y + scale * x. y is read and written, so the pass runner ping-pongs it.
uniform sampler2D u_x, u_y;
uniform int u_xOffset, u_yOffset;
uniform float u_scale;

out vec4 o_y;

void main() {
  int e = firstElement();
  o_y = fetch4(u_y, u_yOffset + e) + u_scale * fetch4(u_x, u_xOffset + e);
}
