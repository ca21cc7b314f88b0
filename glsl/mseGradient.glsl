// grad = (pred - target) / size.
INPUT(pred)
INPUT(target)

out vec4 o_grad;

void main() {
  int e = firstElement();
  vec4 diff = fsub(fetch4(PRED, u_predOffset + e), fetch4(TARGET, u_targetOffset + e));
  o_grad = fdiv(diff, vec4(float(u_count)));
}
