// One fragment: sum((pred - target)^2) / (2 * size), summed from +0 in element order.
uniform sampler2D u_pred, u_target;
uniform int u_predOffset, u_targetOffset, u_size;

out float o_error;

void main() {
  int e = outputIndex();
  if (e < 0) discard;
  int n = e < 0 ? 0 : u_size;
  float acc = 0.0;
  for (int i = 0; i < n; i++) {
    float diff = fetch(u_pred, u_predOffset + i) - fetch(u_target, u_targetOffset + i);
    acc += diff * diff;
  }
  float size = float(u_size);
  o_error = acc / (size + size);
}
