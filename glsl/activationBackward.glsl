// dx = dy * f'(x), with f' written in terms of the forward output y.
uniform sampler2D u_y, u_dy;
uniform int u_yOffset, u_dyOffset;
uniform int u_kind; // 0 relu, 1 tanh, 2 sigmoid

out float o_dx;

void main() {
  int e = outputIndex();
  if (e < 0) discard;
  float y = fetch(u_y, u_yOffset + e);
  float g = fetch(u_dy, u_dyOffset + e);
  if (u_kind == 0) o_dx = y > 0.0 ? g : 0.0;
  else if (u_kind == 1) o_dx = g * (1.0 - y * y);
  else o_dx = (g * y) * (1.0 - y);
}
