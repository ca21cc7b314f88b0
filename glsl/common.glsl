// Prepended to every fragment pass (after #version).
precision highp float;
precision highp int;
precision highp sampler2D;

// Every array lives in an RGBA32F texture WIDTH texels wide, four consecutive elements
// per texel: element i of a buffer is component i % 4 of texel t = i / 4, at
// (t % WIDTH, t / WIDTH). The host defines WIDTH_SHIFT (WIDTH is a power of two, so
// texel addresses take shifts and masks, not integer divisions). An array is a view, so each input has an offset uniform,
// and a pass writes u_count elements from element u_outOffset of its output buffer.
// Each fragment computes the four elements of one output texel. The host draws only
// the texels the output touches, and its color mask keeps the elements of a first or
// last texel that lie outside the output.
const int WIDTH = 1 << WIDTH_SHIFT;
uniform int u_outOffset;
uniform int u_count;

vec4 texel(sampler2D buffer, int t) {
  return texelFetch(buffer, ivec2(t & (WIDTH - 1), t >> WIDTH_SHIFT), 0);
}

// Element `index` (>= 0).
float fetch1(sampler2D buffer, int index) {
  return texel(buffer, index >> 2)[index & 3];
}

// Elements index .. index + 3 (index >= -4): one texel when index is a multiple of 4,
// else two. Elements before 0 or past the buffer's end come out as arbitrary values.
// A pass defines ALIGNED when the host knows every index it fetches is a multiple of 4.
vec4 fetch4(sampler2D buffer, int index) {
#ifdef ALIGNED
  return texel(buffer, index >> 2);
#else
  int shifted = index + 4;
  int t = (shifted >> 2) - 1;
  int r = shifted & 3;
  vec4 a = texel(buffer, max(t, 0));
  // The second texel may lie past the texture's end (for elements no caller uses).
  int last = (textureSize(buffer, 0).y << WIDTH_SHIFT) - 1;
  vec4 b = texel(buffer, min(t + 1, last));
  return r == 0 ? a : r == 1 ? vec4(a.yzw, b.x) : r == 2 ? vec4(a.zw, b.xy) : vec4(a.w, b.xyz);
#endif
}

// The output element of this fragment's first component: its four are firstElement()
// .. firstElement() + 3, which may reach below 0 or past u_count in a partly written texel.
int firstElement() {
  return 4 * ((int(gl_FragCoord.y) << WIDTH_SHIFT) + int(gl_FragCoord.x)) - u_outOffset;
}

// Which of this fragment's four elements e .. e + 3 lie in [0, end).
bvec4 inRange(int e, int end) {
  ivec4 i = ivec4(e) + ivec4(0, 1, 2, 3);
  return bvec4(ivec4(greaterThanEqual(i, ivec4(0))) * ivec4(lessThan(i, ivec4(end))));
}
