// The fused Graves step (see RMSPropGraves) on four elements per fragment: the four
// in-place arrays are written to four render targets at once, in the operation order
// of the js reference, each operation strict (see glsl/common.glsl).
INPUT(param)
INPUT(grad)
INPUT(mg)
INPUT(ms)
INPUT(delta)
uniform float u_learnRate, u_alpha, u_b, u_momRate, u_epsilon;
#ifdef SEGMENTS
// Runs of elements with their own learnRate and momRate (per-variable multipliers
// under global state): element e is in the first segment whose end is above it.
const int MAX_SEGMENTS = 32;
uniform int u_segments;
uniform int u_segmentEnd[MAX_SEGMENTS];
uniform float u_segmentLearnRate[MAX_SEGMENTS], u_segmentMomRate[MAX_SEGMENTS];
#endif

layout(location = 0) out vec4 o_param;
layout(location = 1) out vec4 o_mg;
layout(location = 2) out vec4 o_ms;
layout(location = 3) out vec4 o_delta;

void main() {
  int e = firstElement();
  vec4 learnRate = vec4(u_learnRate), momRate = vec4(u_momRate);
#ifdef SEGMENTS
  ivec4 elements = ivec4(e) + ivec4(0, 1, 2, 3);
  ivec4 s = ivec4(0);
  for (int k = 0; k < u_segments - 1; k++) s += ivec4(greaterThanEqual(elements, ivec4(u_segmentEnd[k])));
  learnRate = vec4(u_segmentLearnRate[s.x], u_segmentLearnRate[s.y], u_segmentLearnRate[s.z], u_segmentLearnRate[s.w]);
  momRate = vec4(u_segmentMomRate[s.x], u_segmentMomRate[s.y], u_segmentMomRate[s.z], u_segmentMomRate[s.w]);
#endif
  vec4 alpha = vec4(u_alpha), b = vec4(u_b);
  vec4 g = fetch4(GRAD, u_gradOffset + e);
  vec4 mg = fadd(fmul(alpha, fetch4(MG, u_mgOffset + e)), fmul(b, g));
  vec4 ms = fadd(fmul(alpha, fetch4(MS, u_msOffset + e)), fmul(b, fmul(g, g)));
  vec4 root = fsqrt(fadd(fsub(ms, fmul(mg, mg)), vec4(u_epsilon)));
  vec4 delta = fsub(fmul(momRate, fetch4(DELTA, u_deltaOffset + e)), fdiv(fmul(learnRate, g), root));
  o_param = fadd(fetch4(PARAM, u_paramOffset + e), delta);
  o_mg = mg;
  o_ms = ms;
  o_delta = delta;
}
