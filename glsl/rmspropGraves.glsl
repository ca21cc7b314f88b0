// The fused Graves step (see RMSPropGraves): the four in-place arrays are written to
// four render targets at once, in the operation order of the js reference.
uniform sampler2D u_param, u_grad, u_mg, u_ms, u_delta;
uniform int u_paramOffset, u_gradOffset, u_mgOffset, u_msOffset, u_deltaOffset;
uniform float u_learnRate, u_alpha, u_b, u_momRate, u_epsilon;

layout(location = 0) out float o_param;
layout(location = 1) out float o_mg;
layout(location = 2) out float o_ms;
layout(location = 3) out float o_delta;

void main() {
  int e = outputIndex();
  if (e < 0) discard;
  float g = fetch(u_grad, u_gradOffset + e);
  float mg = u_alpha * fetch(u_mg, u_mgOffset + e) + u_b * g;
  float ms = u_alpha * fetch(u_ms, u_msOffset + e) + u_b * (g * g);
  float delta = u_momRate * fetch(u_delta, u_deltaOffset + e) - (u_learnRate * g) / sqrt((ms - mg * mg) + u_epsilon);
  o_param = fetch(u_param, u_paramOffset + e) + delta;
  o_mg = mg;
  o_ms = ms;
  o_delta = delta;
}
