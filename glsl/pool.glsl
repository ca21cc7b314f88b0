// The pools' forward (see HandWrittenKernels.pool), one output element per lane. Defines:
// MAX, each window's first maximum (WRITE_INDICES: its index h*width + w instead of its
// value); else the average, its sum from +0 over the window in row-major order divided by
// divisor() (AVG_NO_PAD: the cells inside the input).
INPUT(x)
INCLUDE(window)

out vec4 o_out;

bool nanBits(float x) { return (floatBitsToUint(x) & 0x7fffffffu) > 0x7f800000u; }

// The window's maximum and its index (MAX), or its sum and divisor.
vec2 reduce(int e) {
  e = clamp(e, 0, u_count - 1);
  int m = e / (u_outH * u_outW);
  int oh = e / u_outW - m * u_outH;
  int ow = e - (e / u_outW) * u_outW;
  int map = u_xOffset + m * u_height * u_width;
  float best = 0.0;
  int index = -1;
  float acc = 0.0;
  for (int r = 0; r < u_kh; r++) {
    int h = source(oh, r, u_sh, u_ph, 1, u_height);
    if (h < 0) continue;
    for (int q = 0; q < u_kw; q++) {
      int w = source(ow, q, u_sw, u_pw, 1, u_width);
      if (w < 0) continue;
      float v = OPERAND(fetch1(X, map + h * u_width + w));
#ifdef MAX
      if (index < 0 || (!nanBits(best) && (nanBits(v) || v > best))) {
        best = v;
        index = h * u_width + w;
      }
#else
      acc = fadd(acc, v);
#endif
    }
  }
#ifdef MAX
  return vec2(best, float(index));
#else
  return vec2(acc, divisor(oh, ow));
#endif
}

void main() {
  int e = firstElement();
  vec2 a = reduce(e), b = reduce(e + 1), c = reduce(e + 2), d = reduce(e + 3);
#ifdef MAX
#ifdef WRITE_INDICES
  o_out = vec4(a.y, b.y, c.y, d.y);
#else
  o_out = vec4(a.x, b.x, c.x, d.x);
#endif
#else
  o_out = fdiv(vec4(a.x, b.x, c.x, d.x), vec4(a.y, b.y, c.y, d.y));
#endif
}
