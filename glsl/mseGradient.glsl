// grad = (pred - target) / size.
uniform sampler2D u_pred, u_target;
uniform int u_predOffset, u_targetOffset;

out float o_grad;

void main() {
  int e = outputIndex();
  if (e < 0) discard;
  float diff = fetch(u_pred, u_predOffset + e) - fetch(u_target, u_targetOffset + e);
  o_grad = diff / float(u_count);
}
