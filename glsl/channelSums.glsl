// BatchNorm2D's per-channel sums (see HandWrittenKernels.channelSums): four channels per
// fragment, each summed from +0 over samples, then positions. Defines: none, the sum of a;
// CENTERED_SQUARES, of (a - mean)^2; NORMALIZED_PRODUCTS, of b * ((a - mean) * invStd).
INPUT(a)
INPUT(b)
INPUT(mean)
INPUT(invStd)
uniform int u_n, u_channels, u_positions;

out vec4 o_out;

void main() {
  ivec4 c = min(ivec4(firstElement()) + ivec4(0, 1, 2, 3), ivec4(u_channels - 1));
#if defined(CENTERED_SQUARES) || defined(NORMALIZED_PRODUCTS)
  vec4 m = GATHER(MEAN, u_meanOffset, c);
#endif
#ifdef NORMALIZED_PRODUCTS
  vec4 s = GATHER(INVSTD, u_invStdOffset, c);
#endif
  vec4 acc = vec4(0.0);
  for (int i = 0; i < u_n; i++) {
    ivec4 base = (i * u_channels + c) * u_positions;
    for (int q = 0; q < u_positions; q++) {
      vec4 v = GATHER(A, u_aOffset, (base + q));
#if defined(CENTERED_SQUARES)
      vec4 d = fsub(v, m);
      v = fmul(d, d);
#elif defined(NORMALIZED_PRODUCTS)
      v = fmul(GATHER(B, u_bOffset, (base + q)), fmul(fsub(v, m), s));
#endif
      acc = fadd(acc, v);
    }
  }
  o_out = acc;
}
