// dx = dy * f'(x), with f' written in terms of the forward output y.
uniform sampler2D u_y, u_dy;
uniform int u_yOffset, u_dyOffset;
uniform int u_kind; // 0 relu, 1 tanh, 2 sigmoid

out vec4 o_dx;

void main() {
  int e = firstElement();
  if (e == NONE) discard;
  vec4 y = fetch4(u_y, u_yOffset + e);
  vec4 g = fetch4(u_dy, u_dyOffset + e);
  // mix with a bvec4 selects (no arithmetic), so a NaN or infinite g at y <= 0 still gives 0.
  if (u_kind == 0) o_dx = mix(vec4(0.0), g, greaterThan(y, vec4(0.0)));
  else if (u_kind == 1) o_dx = g * (1.0 - y * y);
  else o_dx = (g * y) * (1.0 - y);
}
