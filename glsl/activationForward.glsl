// y = f(x) with the float32 formulas of src/devices/js/activation.ts, four elements at
// a time, each operation strict (see glsl/common.glsl); constants are given as bit
// patterns so they do not depend on the compiler's decimal parsing.
INPUT(x)
// The host defines TANH or SIGMOID; relu otherwise.

out vec4 o_y;

vec4 constant(uint bits) { return vec4(uintBitsToFloat(bits)); }

vec4 expf(vec4 x) {
  x = min(max(x, -87.0), 88.0);
  vec4 n = floor(fadd(fmul(x, constant(0x3fb8aa3bu)), vec4(0.5)));
  vec4 r = fsub(fsub(x, fmul(n, constant(0x3f317200u))), fmul(n, constant(0x35bfbe8eu)));
  vec4 p = constant(0x39500d01u);
  p = fadd(constant(0x3ab60b61u), fmul(r, p));
  p = fadd(constant(0x3c088889u), fmul(r, p));
  p = fadd(constant(0x3d2aaaabu), fmul(r, p));
  p = fadd(constant(0x3e2aaaabu), fmul(r, p));
  p = fadd(vec4(0.5), fmul(r, p));
  p = fadd(vec4(1.0), fmul(r, p));
  p = fadd(vec4(1.0), fmul(r, p));
  return fmul(p, intBitsToFloat((ivec4(n) + 127) << 23));
}

// Both branches for all four elements, then a select: no divergent control flow.
vec4 tanhf(vec4 x) {
  vec4 s = fmul(x, x);
  vec4 q = constant(0xbc11371bu);
  q = fadd(constant(0x3cb327a4u), fmul(s, q));
  q = fadd(constant(0xbd5d0dd1u), fmul(s, q));
  q = fadd(constant(0x3e088889u), fmul(s, q));
  q = fadd(constant(0xbeaaaaabu), fmul(s, q));
  vec4 series = fadd(x, fmul(fmul(x, s), q));
  vec4 ax = abs(x);
  vec4 t = fsub(vec4(1.0), fdiv(vec4(2.0), fadd(expf(fadd(ax, ax)), vec4(1.0))));
  return mix(mix(t, -t, lessThan(x, vec4(0.0))), series, lessThan(ax, vec4(0.25)));
}

vec4 activation(vec4 x) {
  x = OPERAND(x);
#if defined(TANH)
  return tanhf(x);
#elif defined(SIGMOID)
  return fdiv(vec4(1.0), fadd(vec4(1.0), expf(-x)));
#else
  return mix(vec4(0.0), x, greaterThan(x, vec4(0.0)));
#endif
}

void main() {
  int e = firstElement();
  o_y = activation(fetch4(X, u_xOffset + e));
}
