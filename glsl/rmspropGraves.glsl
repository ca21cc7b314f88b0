// The fused Graves step (see RMSPropGraves) on four elements per fragment: the four
// in-place arrays are written to four render targets at once, in the operation order
// of the js reference, element by element.
uniform sampler2D u_param;
uniform int u_paramOffset, u_paramShift, u_paramLast;
#define PARAM u_param, u_paramShift, u_paramLast
uniform sampler2D u_grad;
uniform int u_gradOffset, u_gradShift, u_gradLast;
#define GRAD u_grad, u_gradShift, u_gradLast
uniform sampler2D u_mg;
uniform int u_mgOffset, u_mgShift, u_mgLast;
#define MG u_mg, u_mgShift, u_mgLast
uniform sampler2D u_ms;
uniform int u_msOffset, u_msShift, u_msLast;
#define MS u_ms, u_msShift, u_msLast
uniform sampler2D u_delta;
uniform int u_deltaOffset, u_deltaShift, u_deltaLast;
#define DELTA u_delta, u_deltaShift, u_deltaLast
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
  vec4 g = fetch4(GRAD, u_gradOffset + e);
  vec4 mg = u_alpha * fetch4(MG, u_mgOffset + e) + u_b * g;
  vec4 ms = u_alpha * fetch4(MS, u_msOffset + e) + u_b * (g * g);
  vec4 delta = momRate * fetch4(DELTA, u_deltaOffset + e) - (learnRate * g) / sqrt((ms - mg * mg) + u_epsilon);
  o_param = fetch4(PARAM, u_paramOffset + e) + delta;
  o_mg = mg;
  o_ms = ms;
  o_delta = delta;
}
