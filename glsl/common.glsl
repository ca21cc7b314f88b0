// Prepended to every fragment pass (after #version).
precision highp float;
precision highp int;
precision highp sampler2D;

// Every array lives in an R32F texture u_width texels wide: element i of a buffer is
// texel (i % u_width, i / u_width). An array is a view, so each input has an offset
// uniform, and the pass writes u_count elements from u_outOffset of its output buffer.
uniform int u_width;
uniform int u_outOffset;
uniform int u_count;

float fetch(sampler2D buffer, int index) {
  return texelFetch(buffer, ivec2(index % u_width, index / u_width), 0).r;
}

// The output element this fragment computes, or -1 outside the written range (the
// caller discards, which leaves the texel as it was). Some GPUs keep running a
// discarded fragment to the end, so loops must also be empty when this is -1.
int outputIndex() {
  int i = int(gl_FragCoord.y) * u_width + int(gl_FragCoord.x) - u_outOffset;
  return i >= 0 && i < u_count ? i : -1;
}
