// Conv2D's patches as rows (see HandWrittenKernels.im2row): a gather, no arithmetic.
INPUT(x)
INCLUDE(window)

out vec4 o_out;

float element(int e) {
  e = clamp(e, 0, u_count - 1);
  int k = u_maps * u_kh * u_kw;
  int row = e / k;
  int col = e - row * k;
  int i = row / (u_outH * u_outW);
  int oh = row / u_outW - i * u_outH;
  int ow = row - (row / u_outW) * u_outW;
  int c = col / (u_kh * u_kw);
  int r = col / u_kw - c * u_kh;
  int q = col - (col / u_kw) * u_kw;
  int h = source(oh, r, u_sh, u_ph, u_dh, u_height);
  int w = source(ow, q, u_sw, u_pw, u_dw, u_width);
  return h >= 0 && w >= 0 ? fetch1(X, u_xOffset + ((i * u_maps + c) * u_height + h) * u_width + w) : 0.0;
}

void main() {
  int e = firstElement();
  o_out = vec4(element(e), element(e + 1), element(e + 2), element(e + 3));
}
