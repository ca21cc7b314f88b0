INPUT(src)

out vec4 o_out;

void main() {
  int e = firstElement();
  o_out = fetch4(SRC, u_srcOffset + e);
}
