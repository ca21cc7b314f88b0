uniform float u_value;

out float o_out;

void main() {
  if (outputIndex() < 0) discard;
  o_out = u_value;
}
