// grad = (pred - target) / size.
uniform sampler2D u_pred, u_target;
uniform int u_predOffset, u_targetOffset;

out vec4 o_grad;

void main() {
  int e = firstElement();
  vec4 diff = fetch4(u_pred, u_predOffset + e) - fetch4(u_target, u_targetOffset + e);
  o_grad = diff / float(u_count);
}
