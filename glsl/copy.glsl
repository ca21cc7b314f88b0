uniform sampler2D u_src;
uniform int u_srcOffset;

out float o_out;

void main() {
  int e = outputIndex();
  if (e < 0) discard;
  o_out = fetch(u_src, u_srcOffset + e);
}
