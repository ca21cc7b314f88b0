// Vertex shader of every pass: one triangle that covers the viewport, from
// gl_VertexID alone, so no vertex buffer is bound.
void main() {
  vec2 corner = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
}
