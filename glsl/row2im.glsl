// The sum of Conv2D's patch rows back into the input (see HandWrittenKernels.row2im):
// each element from +0 over kernel positions in row-major order.
INPUT(cols)
INCLUDE(window)

out vec4 o_out;

float element(int e) {
  e = clamp(e, 0, u_count - 1);
  int m = e / (u_height * u_width);
  int h = e / u_width - m * u_height;
  int w = e - (e / u_width) * u_width;
  int i = m / u_maps;
  int c = m - i * u_maps;
  int k = u_maps * u_kh * u_kw;
  float acc = 0.0;
  for (int r = 0; r < u_kh; r++) {
    int oh = window(h, r, u_sh, u_ph, u_dh, u_outH);
    if (oh < 0) continue;
    for (int q = 0; q < u_kw; q++) {
      int ow = window(w, q, u_sw, u_pw, u_dw, u_outW);
      if (ow < 0) continue;
      acc = fadd(acc, fetch1(COLS, u_colsOffset + ((i * u_outH + oh) * u_outW + ow) * k + (c * u_kh + r) * u_kw + q));
    }
  }
  return acc;
}

void main() {
  int e = firstElement();
  o_out = vec4(element(e), element(e + 1), element(e + 2), element(e + 3));
}
