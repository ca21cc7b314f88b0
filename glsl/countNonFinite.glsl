// Output element c counts the NaN and infinite elements among elements [c*u_chunk,
// (c+1)*u_chunk) of the input (u_chunk a multiple of 4); the host adds the counts. The
// bit test is used because isnan/isinf may be compiled away by drivers that assume
// finite math.
INPUT(a)
uniform int u_size, u_chunk;

out vec4 o_count;

// How many of elements index .. index + 3 (those in [0, u_size)) are NaN or infinite.
float bad(int index) {
  uvec4 bits = floatBitsToUint(fetch4(A, u_aOffset + clamp(index, 0, u_size - 1)));
  bvec4 nonFinite = equal(bits & 0x7f800000u, uvec4(0x7f800000u));
  ivec4 i = ivec4(index) + ivec4(0, 1, 2, 3);
  vec4 inside = vec4(greaterThanEqual(i, ivec4(0))) * vec4(lessThan(i, ivec4(u_size)));
  return dot(vec4(nonFinite) * inside, vec4(1.0));
}

void main() {
  int c = firstElement();
  vec4 count = vec4(0.0);
  ivec4 start = (ivec4(c) + ivec4(0, 1, 2, 3)) * u_chunk;
  for (int s = 0; s < u_chunk; s += 4) {
    ivec4 index = start + s;
    count += vec4(bad(index.x), bad(index.y), bad(index.z), bad(index.w));
  }
  o_count = count;
}
