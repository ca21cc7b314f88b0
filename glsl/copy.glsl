uniform sampler2D u_src;
uniform int u_srcOffset, u_srcShift, u_srcLast;
#define SRC u_src, u_srcShift, u_srcLast

out vec4 o_out;

void main() {
  int e = firstElement();
  o_out = fetch4(SRC, u_srcOffset + e);
}
