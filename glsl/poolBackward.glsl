// The pools' input gradient (see HandWrittenKernels.poolBackward): each element from +0
// over kernel positions (r, s) in row-major order whose window contains it, of dy where
// that window's maximum is this element (MAX) or of dy divided by the window's divisor.
INPUT(dy)
INPUT(indices)
INCLUDE(window)

out vec4 o_out;

float element(int e) {
  e = clamp(e, 0, u_count - 1);
  int m = e / (u_height * u_width);
  int h = e / u_width - m * u_height;
  int w = e - (e / u_width) * u_width;
  float acc = 0.0;
  for (int r = 0; r < u_kh; r++) {
    int oh = window(h, r, u_sh, u_ph, 1, u_outH);
    if (oh < 0) continue;
    for (int q = 0; q < u_kw; q++) {
      int ow = window(w, q, u_sw, u_pw, 1, u_outW);
      if (ow < 0) continue;
      int o = (m * u_outH + oh) * u_outW + ow;
#ifdef MAX
      if (int(fetch1(INDICES, u_indicesOffset + o)) == h * u_width + w) acc = fadd(acc, fetch1(DY, u_dyOffset + o));
#else
      acc = fadd(acc, fdiv(vec4(fetch1(DY, u_dyOffset + o)), vec4(divisor(oh, ow))).x);
#endif
    }
  }
  return acc;
}

void main() {
  int e = firstElement();
  o_out = vec4(element(e), element(e + 1), element(e + 2), element(e + 3));
}
