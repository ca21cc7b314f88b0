// y = f(x) with the float32 formulas of src/devices/js/activation.ts; constants are
// given as bit patterns so they do not depend on the compiler's decimal parsing.
INPUT(x)
// The host defines TANH or SIGMOID; relu otherwise.

out vec4 o_y;

float expf(float x) {
  x = min(max(x, -87.0), 88.0);
  float n = floor(x * uintBitsToFloat(0x3fb8aa3bu) + 0.5);
  float r = (x - n * uintBitsToFloat(0x3f317200u)) - n * uintBitsToFloat(0x35bfbe8eu);
  float p = uintBitsToFloat(0x39500d01u);
  p = uintBitsToFloat(0x3ab60b61u) + r * p;
  p = uintBitsToFloat(0x3c088889u) + r * p;
  p = uintBitsToFloat(0x3d2aaaabu) + r * p;
  p = uintBitsToFloat(0x3e2aaaabu) + r * p;
  p = 0.5 + r * p;
  p = 1.0 + r * p;
  p = 1.0 + r * p;
  return p * intBitsToFloat((int(n) + 127) << 23);
}

float tanhf(float x) {
  float ax = abs(x);
  if (ax < 0.25) {
    float s = x * x;
    float q = uintBitsToFloat(0xbc11371bu);
    q = uintBitsToFloat(0x3cb327a4u) + s * q;
    q = uintBitsToFloat(0xbd5d0dd1u) + s * q;
    q = uintBitsToFloat(0x3e088889u) + s * q;
    q = uintBitsToFloat(0xbeaaaaabu) + s * q;
    return x + (x * s) * q;
  }
  float t = 1.0 - 2.0 / (expf(ax + ax) + 1.0);
  return x < 0.0 ? -t : t;
}

float activation(float x) {
#if defined(TANH)
  return tanhf(x);
#elif defined(SIGMOID)
  return 1.0 / (1.0 + expf(-x));
#else
  return x > 0.0 ? x : 0.0;
#endif
}

void main() {
  int e = firstElement();
  vec4 x = fetch4(X, u_xOffset + e);
  o_y = vec4(activation(x.x), activation(x.y), activation(x.z), activation(x.w));
}
