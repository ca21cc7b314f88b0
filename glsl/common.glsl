// Prepended to every fragment pass (after #version).
precision highp float;
precision highp int;
precision highp sampler2D;

// Every array lives in an RGBA32F texture, four consecutive elements per texel, row
// after row: element i of a buffer is component i % 4 of texel t = i / 4, at
// (t % width, t / width), where the width is 2^shift texels (each buffer has its own
// shape). A pass declares an input x with a line `INPUT(x)`, which the pass runner
// expands (GLSL has no token pasting) into the uniforms it binds: sampler u_x, the
// view's offset u_xOffset, the texture's shift u_xShift and last texel index u_xLast,
// and the macro X for `u_x, u_xShift, u_xLast`, the bundle fetch1, fetch4 and texel take. A pass writes u_count elements from element u_outOffset of its
// output buffer, four per fragment (one output texel); the host draws only the texels
// the output touches, and its color mask keeps the elements of a first or last texel
// that lie outside the output.
uniform int u_outOffset, u_outShift, u_count;

// Texel t (0 <= t); one past the last texel (read only for elements no caller uses)
// gives the last.
vec4 texel(sampler2D s, int shift, int last, int t) {
  t = min(t, last);
  return texelFetch(s, ivec2(t & ((1 << shift) - 1), t >> shift), 0);
}

// Element `index` (>= 0). (A select, not v[index & 3]: some GPUs spill a dynamically
// indexed vector to memory.)
float fetch1(sampler2D s, int shift, int last, int index) {
  vec4 v = texel(s, shift, last, index >> 2);
  int lane = index & 3;
  return lane == 0 ? v.x : lane == 1 ? v.y : lane == 2 ? v.z : v.w;
}

// Elements index .. index + 3 (index >= -4): one texel when index is a multiple of 4,
// else two. Elements before 0 or past the buffer's end come out as arbitrary values.
// A pass defines ALIGNED when the host knows every index it fetches is a multiple of 4.
vec4 fetch4(sampler2D s, int shift, int last, int index) {
#ifdef ALIGNED
  return texel(s, shift, last, index >> 2);
#else
  int shifted = index + 4;
  int t = (shifted >> 2) - 1;
  int r = shifted & 3;
  vec4 a = texel(s, shift, last, max(t, 0));
  vec4 b = texel(s, shift, last, t + 1);
  return r == 0 ? a : r == 1 ? vec4(a.yzw, b.x) : r == 2 ? vec4(a.zw, b.xy) : vec4(a.w, b.xyz);
#endif
}

// The output element of this fragment's first component: its four are firstElement()
// .. firstElement() + 3, which may reach below 0 or past u_count in a partly written texel.
int firstElement() {
  return 4 * ((int(gl_FragCoord.y) << u_outShift) + int(gl_FragCoord.x)) - u_outOffset;
}
