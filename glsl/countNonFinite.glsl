// Output element c counts the NaN and infinite elements among elements [c*u_chunk,
// (c+1)*u_chunk) of the input (u_chunk a multiple of 4); the host adds the counts. The
// bit test is used because isnan/isinf may be compiled away by drivers that assume
// finite math.
uniform sampler2D u_a;
uniform int u_aOffset, u_size, u_chunk;

out vec4 o_count;

void main() {
  int c = firstElement();
  vec4 count = vec4(0.0);
  ivec4 start = (ivec4(c) + ivec4(0, 1, 2, 3)) * u_chunk;
  for (int s = 0; s < u_chunk / 4; s++) {
    ivec4 index = start + 4 * s;
    for (int lane = 0; lane < 4; lane++) {
      uvec4 bits = floatBitsToUint(fetch4(u_a, u_aOffset + clamp(index[lane], 0, u_size - 1)));
      bvec4 bad = equal(bits & 0x7f800000u, uvec4(0x7f800000u));
      count[lane] += dot(vec4(bad) * vec4(inRange(index[lane], u_size)), vec4(1.0));
    }
  }
  o_count = count;
}
