// Softmax over the classes of each row (see RowShape in src/runtime/Device.ts), the
// operations of src/devices/js/rows.ts in its order, four output elements per fragment,
// each lane recomputing its row's max m and sum s (rows are short: one item's classes).
// Defines: none, y = softmax(x); GRAD, cross-entropy's gradient; LOSS, one row's loss
// per element; WEIGHTED, class weights in both.
INPUT(x)
INPUT(labels)
INPUT(weights)
INCLUDE(math)
uniform int u_classes, u_positions;
uniform float u_n;

out vec4 o_out;

vec4 rowMax, rowSum;

// rowMax and rowSum of the rows whose first elements are `base`.
void stats(ivec4 base) {
  vec4 m = OPERAND(GATHER(X, u_xOffset, base));
  for (int j = 1; j < u_classes; j++) m = fmax(m, OPERAND(GATHER(X, u_xOffset, (base + j * u_positions))));
  vec4 s = vec4(0.0);
  for (int j = 0; j < u_classes; j++) s = fadd(s, expF(fsub(OPERAND(GATHER(X, u_xOffset, (base + j * u_positions))), m)));
  rowMax = m;
  rowSum = s;
}

void main() {
  ivec4 index = max(ivec4(firstElement()) + ivec4(0, 1, 2, 3), ivec4(0));
  int perSample = u_classes * u_positions;
#ifdef LOSS
  ivec4 item = index / u_positions;
  ivec4 base = item * perSample + (index - item * u_positions);
  stats(base);
  ivec4 label = ivec4(GATHER(LABELS, u_labelsOffset, index));
  vec4 picked = OPERAND(GATHER(X, u_xOffset, (base + label * u_positions)));
  vec4 loss = fsub(logF(rowSum), fsub(picked, rowMax));
#ifdef WEIGHTED
  loss = fmul(loss, OPERAND(GATHER(WEIGHTS, u_weightsOffset, label)));
#endif
  o_out = loss;
#else
  ivec4 item = index / perSample;
  ivec4 rest = index - item * perSample;
  ivec4 j = rest / u_positions;
  ivec4 q = rest - j * u_positions;
  stats(item * perSample + q);
  vec4 y = fdiv(expF(fsub(OPERAND(GATHER(X, u_xOffset, index)), rowMax)), rowSum);
#ifdef GRAD
  ivec4 label = ivec4(GATHER(LABELS, u_labelsOffset, (item * u_positions + q)));
  vec4 d = fsub(y, vec4(equal(j, label)));
#ifdef WEIGHTED
  d = fmul(d, OPERAND(GATHER(WEIGHTS, u_weightsOffset, j)));
#endif
  o_out = fdiv(d, vec4(u_n));
#else
  o_out = y;
#endif
#endif
}
