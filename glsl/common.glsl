// Prepended to every fragment pass (after #version).
precision highp float;
precision highp int;
precision highp sampler2D;

// Every array lives in an RGBA32F texture u_width texels wide, four consecutive
// elements per texel: element i of a buffer is component i % 4 of texel t = i / 4, at
// (t % u_width, t / u_width). An array is a view, so each input has an offset uniform,
// and a pass writes u_count elements from element u_outOffset of its output buffer.
// Each fragment computes the four elements of one output texel; a draw covers texels
// [u_texelBegin, u_texelEnd), and the host's color mask keeps the elements of a first
// or last texel that lie outside the output.
uniform int u_width;
uniform int u_outOffset;
uniform int u_count;
uniform int u_texelBegin, u_texelEnd;

// What firstElement() returns for a fragment outside the drawn texels.
const int NONE = -0x40000000;

vec4 texel(sampler2D buffer, int t) {
  return texelFetch(buffer, ivec2(t % u_width, t / u_width), 0);
}

// Element `index` (>= 0).
float fetch1(sampler2D buffer, int index) {
  return texel(buffer, index >> 2)[index & 3];
}

// Elements index .. index + 3 (index >= -4): one texel when index is a multiple of 4,
// else two. Elements before 0 or past the buffer's end come out as arbitrary values.
vec4 fetch4(sampler2D buffer, int index) {
  int shifted = index + 4;
  int t = (shifted >> 2) - 1;
  int r = shifted & 3;
  vec4 a = texel(buffer, max(t, 0));
  if (r == 0) return a;
  // The second texel may lie past the texture's end (for elements no caller uses).
  int last = u_width * textureSize(buffer, 0).y - 1;
  vec4 b = texel(buffer, min(t + 1, last));
  if (r == 1) return vec4(a.yzw, b.x);
  if (r == 2) return vec4(a.zw, b.xy);
  return vec4(a.w, b.xyz);
}

// The output element of this fragment's first component (its four are firstElement()
// .. firstElement() + 3, which may reach below 0 or past u_count in a partly written
// texel), or NONE outside the drawn texels: the caller discards. Some GPUs keep running
// a discarded fragment to the end, so loops must also be empty for NONE.
int firstElement() {
  int t = int(gl_FragCoord.y) * u_width + int(gl_FragCoord.x);
  return t >= u_texelBegin && t < u_texelEnd ? 4 * t - u_outOffset : NONE;
}

// Which of this fragment's four elements e .. e + 3 lie in [0, end).
bvec4 inRange(int e, int end) {
  ivec4 i = ivec4(e) + ivec4(0, 1, 2, 3);
  return bvec4(ivec4(greaterThanEqual(i, ivec4(0))) * ivec4(lessThan(i, ivec4(end))));
}
