// One chunk per fragment (one output texel): its two hash lanes of the input's bits, as
// src/kernels/fingerprint.ts defines them, as 16-bit halves (exact floats). The chunk's
// elements in order, four per fetch, the lanes past the input's end left out.
INPUT(a)
uniform int u_size, u_chunk;

out vec4 o_out;

void main() {
  int start = (firstElement() / 4) * u_chunk;
  int end = min(u_size, start + u_chunk);
  uint h1 = 0x243f6a88u;
  uint h2 = 0x85a308d3u;
  for (int i = start; i < end; i += 4) {
    uvec4 bits = floatBitsToUint(fetch4(A, u_aOffset + i));
    uvec4 nan = uvec4(greaterThan(bits & 0x7fffffffu, uvec4(0x7f800000u)));
    bits = bits * (1u - nan) + 0x7fc00000u * nan;
    for (int k = 0; k < 4 && i + k < end; k++) {
      uint b = k == 0 ? bits.x : k == 1 ? bits.y : k == 2 ? bits.z : bits.w;
      h1 = mix32(h1 ^ b);
      h2 = (h2 ^ b) * 0x01000193u;
    }
  }
  o_out = vec4(float(h1 & 0xffffu), float(h1 >> 16u), float(h2 & 0xffffu), float(h2 >> 16u));
}
