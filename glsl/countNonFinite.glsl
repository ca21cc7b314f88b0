// Fragment c counts the NaN and infinite elements among elements [c*u_chunk,
// (c+1)*u_chunk) of the input; the host adds the chunks' counts. The bit test is used
// because isnan/isinf may be compiled away by drivers that assume finite math.
uniform sampler2D u_a;
uniform int u_aOffset, u_size, u_chunk;

out float o_count;

void main() {
  int c = outputIndex();
  if (c < 0) discard;
  int end = c < 0 ? 0 : min((c + 1) * u_chunk, u_size);
  float count = 0.0;
  for (int i = c * u_chunk; i < end; i++) {
    if ((floatBitsToUint(fetch(u_a, u_aOffset + i)) & 0x7f800000u) == 0x7f800000u) count += 1.0;
  }
  o_count = count;
}
