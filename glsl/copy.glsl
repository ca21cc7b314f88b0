uniform sampler2D u_src;
uniform int u_srcOffset;

out vec4 o_out;

void main() {
  int e = firstElement();
  o_out = fetch4(u_src, u_srcOffset + e);
}
