uniform float u_value;

out vec4 o_out;

void main() {
  if (firstElement() == NONE) discard;
  o_out = vec4(u_value);
}
