// dx = dy * f'(x), with f' written in terms of the forward output y, each operation
// strict (see glsl/common.glsl).
INPUT(y)
INPUT(dy)
// The host defines TANH or SIGMOID; relu otherwise.

out vec4 o_dx;

void main() {
  int e = firstElement();
  vec4 y = OPERAND(fetch4(Y, u_yOffset + e));
  vec4 g = OPERAND(fetch4(DY, u_dyOffset + e));
#if defined(TANH)
  o_dx = fmul(g, fsub(vec4(1.0), fmul(y, y)));
#elif defined(SIGMOID)
  o_dx = fmul(fmul(g, y), fsub(vec4(1.0), y));
#else
  // mix with a bvec4 selects (no arithmetic), so a NaN or infinite g at y <= 0 still gives 0.
  o_dx = mix(vec4(0.0), g, greaterThan(y, vec4(0.0)));
#endif
}
