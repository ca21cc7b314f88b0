// One fragment: sum((pred - target)^2) / (2 * size), summed from +0 in element order.
INPUT(pred)
INPUT(target)
uniform int u_size;

out vec4 o_error;

void main() {
  float acc = 0.0;
  int i = 0;
  for (; i + 4 <= u_size; i += 4) {
    vec4 diff = fsub(fetch4(PRED, u_predOffset + i), fetch4(TARGET, u_targetOffset + i));
    vec4 square = fmul(diff, diff);
    acc = fadd(acc, square.x);
    acc = fadd(acc, square.y);
    acc = fadd(acc, square.z);
    acc = fadd(acc, square.w);
  }
  for (; i < u_size; i++) {
    float diff = fsub(fetch1(PRED, u_predOffset + i), fetch1(TARGET, u_targetOffset + i));
    acc = fadd(acc, fmul(diff, diff));
  }
  float size = float(u_size);
  o_error = fdiv(vec4(acc), vec4(fadd(size, size)));
}
