// Dropout's mask drawn per element (src/kernels/random.ts): y = x / keep where the
// 24-bit draw of the element's counter is below the threshold, else +0. GLSL ES 3.00
// uint arithmetic wraps modulo 2^32, as the hash needs.
INPUT(x)
uniform uint u_first, u_key0, u_key1, u_threshold;
uniform float u_keep;

out vec4 o_y;

void main() {
  int e = firstElement();
  uvec4 counter = uvec4(ivec4(e) + ivec4(0, 1, 2, 3)) + u_first;
  bvec4 kept = lessThan(mix32(mix32(counter + u_key0) ^ u_key1) >> 8u, uvec4(u_threshold));
  vec4 x = OPERAND(fetch4(X, u_xOffset + e));
  o_y = mix(vec4(0.0), fdiv(x, vec4(u_keep)), kept);
}
