// BatchNorm2D per element (see HandWrittenKernels.batchNorm and batchNormBackward), with
// xhat = (x - mean_c) * invStd_c: y = xhat * scale_c + bias_c; with GRAD, dx =
// ((dy - dbias_c / count) - xhat * (dscale_c / count)) * (scale_c * invStd_c).
INPUT(x)
INPUT(dy)
INPUT(mean)
INPUT(invStd)
INPUT(scale)
INPUT(bias)
INPUT(dscale)
INPUT(dbias)
uniform int u_channels, u_positions;
uniform float u_n;

out vec4 o_out;

void main() {
  int e = firstElement();
  ivec4 element = max(ivec4(e) + ivec4(0, 1, 2, 3), ivec4(0));
  ivec4 item = element / u_positions;
  ivec4 c = item - (item / u_channels) * u_channels;
  vec4 is = GATHER(INVSTD, u_invStdOffset, c);
  vec4 xhat = fmul(fsub(fetch4(X, u_xOffset + e), GATHER(MEAN, u_meanOffset, c)), is);
  vec4 scale = GATHER(SCALE, u_scaleOffset, c);
#ifdef GRAD
  vec4 count = vec4(u_n);
  vec4 centered = fsub(fsub(fetch4(DY, u_dyOffset + e), fdiv(GATHER(DBIAS, u_dbiasOffset, c), count)),
    fmul(xhat, fdiv(GATHER(DSCALE, u_dscaleOffset, c), count)));
  o_out = fmul(centered, fmul(scale, is));
#else
  o_out = fadd(fmul(xhat, scale), GATHER(BIAS, u_biasOffset, c));
#endif
}
