uniform float u_value;

out vec4 o_out;

void main() {
  o_out = vec4(u_value);
}
