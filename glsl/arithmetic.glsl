// out = a OP b, elementwise, with the strict operations of glsl/common.glsl: OP is
// ADD, SUB, MUL, DIV or SQRT (of a alone), as the host defines. The self-test at init
// checks the hard cases of division and square root with it, and the conformance
// tests run millions of operands through it.
INPUT(a)
INPUT(b)

out vec4 o_out;

void main() {
  int e = firstElement();
  vec4 a = fetch4(A, u_aOffset + e);
  vec4 b = fetch4(B, u_bOffset + e);
#if defined(DIV)
  o_out = fdiv(a, b);
#elif defined(SQRT)
  o_out = fsqrt(a);
#elif defined(MUL)
  o_out = fmul(a, b);
#elif defined(SUB)
  o_out = fsub(a, b);
#else
  o_out = fadd(a, b);
#endif
}
