// grad = (pred - target) / size.
uniform sampler2D u_pred;
uniform int u_predOffset, u_predShift, u_predLast;
#define PRED u_pred, u_predShift, u_predLast
uniform sampler2D u_target;
uniform int u_targetOffset, u_targetShift, u_targetLast;
#define TARGET u_target, u_targetShift, u_targetLast

out vec4 o_grad;

void main() {
  int e = firstElement();
  vec4 diff = fetch4(PRED, u_predOffset + e) - fetch4(TARGET, u_targetOffset + e);
  o_grad = diff / float(u_count);
}
