// The fused Graves step (see RMSPropGraves): the four in-place arrays are written to
// four render targets at once, in the operation order of the js reference.
uniform sampler2D u_param, u_grad, u_mg, u_ms, u_delta;
uniform int u_paramOffset, u_gradOffset, u_mgOffset, u_msOffset, u_deltaOffset;
uniform float u_learnRate, u_alpha, u_b, u_momRate, u_epsilon;
// Runs of elements with their own learnRate and momRate (per-variable multipliers
// under global state): element e is in the first segment whose end is above it.
const int MAX_SEGMENTS = 32;
uniform int u_segments;
uniform int u_segmentEnd[MAX_SEGMENTS];
uniform float u_segmentLearnRate[MAX_SEGMENTS], u_segmentMomRate[MAX_SEGMENTS];

layout(location = 0) out float o_param;
layout(location = 1) out float o_mg;
layout(location = 2) out float o_ms;
layout(location = 3) out float o_delta;

void main() {
  int e = outputIndex();
  if (e < 0) discard;
  float learnRate = u_learnRate, momRate = u_momRate;
  if (u_segments > 1) {
    int s = 0;
    for (int k = 0; k < MAX_SEGMENTS - 1; k++) {
      if (k < u_segments - 1 && e >= u_segmentEnd[k]) s = k + 1;
    }
    learnRate = u_segmentLearnRate[s];
    momRate = u_segmentMomRate[s];
  }
  float g = fetch(u_grad, u_gradOffset + e);
  float mg = u_alpha * fetch(u_mg, u_mgOffset + e) + u_b * g;
  float ms = u_alpha * fetch(u_ms, u_msOffset + e) + u_b * (g * g);
  float delta = momRate * fetch(u_delta, u_deltaOffset + e) - (learnRate * g) / sqrt((ms - mg * mg) + u_epsilon);
  o_param = fetch(u_param, u_paramOffset + e) + delta;
  o_mg = mg;
  o_ms = ms;
  o_delta = delta;
}
