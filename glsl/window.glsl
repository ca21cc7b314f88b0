// Included by the sliding-window passes (Conv2D and the pools): the window's uniforms
// (see WindowShape in src/runtime/Device.ts) and the index arithmetic of
// src/devices/js/windows.ts. Integers only.
uniform int u_maps, u_height, u_width, u_kh, u_kw, u_sh, u_sw, u_ph, u_pw, u_dh, u_dw, u_outH, u_outW;

// The input row (or column) that kernel offset r of output o reads, -1 in the padding.
int source(int o, int r, int stride, int pad, int dilation, int size) {
  int at = o * stride - pad + r * dilation;
  return at >= 0 && at < size ? at : -1;
}

// The output row (or column) whose kernel offset r reads input row h, -1 if none does.
int window(int h, int r, int stride, int pad, int dilation, int outSize) {
  int t = h + pad - r * dilation;
  if (t < 0 || t - (t / stride) * stride != 0) return -1;
  int o = t / stride;
  return o < outSize ? o : -1;
}

// The divisor of window (oh, ow) of an average: its size, or (AVG_NO_PAD) its cells inside the input.
float divisor(int oh, int ow) {
#ifdef AVG_NO_PAD
  int count = 0;
  for (int r = 0; r < u_kh; r++) {
    for (int q = 0; q < u_kw; q++) {
      if (source(oh, r, u_sh, u_ph, 1, u_height) >= 0 && source(ow, q, u_sw, u_pw, 1, u_width) >= 0) count++;
    }
  }
  return float(count);
#else
  return float(u_kh * u_kw);
#endif
}
