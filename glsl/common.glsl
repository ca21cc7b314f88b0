// Prepended to every fragment pass (after #version).
precision highp float;
precision highp int;
precision highp sampler2D;

// Every array lives in an RGBA32F texture, four consecutive elements per texel, row
// after row: element i of a buffer is component i % 4 of texel t = i / 4, at
// (t % width, t / width), where the width is 2^shift texels (each buffer has its own
// shape). A pass declares an input x with a line `INPUT(x)`, which the pass runner
// expands (GLSL has no token pasting) into the uniforms it binds: sampler u_x, the
// view's offset u_xOffset, the texture's shift u_xShift and last texel index u_xLast,
// and the macro X for `u_x, u_xShift, u_xLast`, the bundle fetch1, fetch4 and texel take. A pass writes u_count elements from element u_outOffset of its
// output buffer, four per fragment (one output texel); the host draws only the texels
// the output touches, and its color mask keeps the elements of a first or last texel
// that lie outside the output.
uniform int u_outOffset, u_outShift, u_count;

// Texel t (0 <= t); one past the last texel (read only for elements no caller uses)
// gives the last.
vec4 texel(sampler2D s, int shift, int last, int t) {
  t = min(t, last);
  return texelFetch(s, ivec2(t & ((1 << shift) - 1), t >> shift), 0);
}

// Element `index` (>= 0). (A select, not v[index & 3]: some GPUs spill a dynamically
// indexed vector to memory.)
float fetch1(sampler2D s, int shift, int last, int index) {
  vec4 v = texel(s, shift, last, index >> 2);
  int lane = index & 3;
  return lane == 0 ? v.x : lane == 1 ? v.y : lane == 2 ? v.z : v.w;
}

// Elements index .. index + 3 (index >= -4): one texel when index is a multiple of 4,
// else two. Elements before 0 or past the buffer's end come out as arbitrary values.
// A pass defines ALIGNED when the host knows every index it fetches is a multiple of 4.
vec4 fetch4(sampler2D s, int shift, int last, int index) {
#ifdef ALIGNED
  return texel(s, shift, last, index >> 2);
#else
  int shifted = index + 4;
  int t = (shifted >> 2) - 1;
  int r = shifted & 3;
  vec4 a = texel(s, shift, last, max(t, 0));
  vec4 b = texel(s, shift, last, t + 1);
  return r == 0 ? a : r == 1 ? vec4(a.yzw, b.x) : r == 2 ? vec4(a.zw, b.xy) : vec4(a.w, b.xyz);
#endif
}

// The four elements offset + index.x .. offset + index.w of input A (a pass's macro X):
// one fetch1 each, for lanes that read from scattered places (rows, channels).
#define GATHER(A, offset, index) vec4(fetch1(A, offset + index.x), fetch1(A, offset + index.y), fetch1(A, offset + index.z), fetch1(A, offset + index.w))

// The output element of this fragment's first component: its four are firstElement()
// .. firstElement() + 3, which may reach below 0 or past u_count in a partly written texel.
int firstElement() {
  return 4 * ((int(gl_FragCoord.y) << u_outShift) + int(gl_FragCoord.x)) - u_outOffset;
}

// ---- Strict float32 arithmetic -------------------------------------------------------
// GLSL ES 3.00 has no `precise`: a compiler may reassociate, fold and contract what a
// pass writes, divide to 2.5 ULP and take square roots through inversesqrt, and real
// ones do (Mesa reassociates add chains and folds (a + b) - b; SwiftShader folds
// (a*b)/b). So every operation the js reference rounds is written as one of the calls
// below, and passes read like the equations. Each result goes through pin(): a round
// trip through its bits, xor a uniform that is always 0. No compiler knows that value,
// so it cannot move, merge or fuse arithmetic across a pin (measured on SwiftShader,
// llvmpipe and softpipe, where `x * u_one` did not hold). Division and square root
// start from the GPU's estimate and finish in integer arithmetic, which compilers
// cannot change: the result is correctly rounded whatever the GPU's own accuracy.
//
// Subnormals: with FLUSH defined (init({ subnormals: "flush" })) every operation
// treats subnormal operands as zero and flushes a subnormal result to a zero of its
// sign, on every GPU, as the CPU devices then do. Without it the arithmetic is IEEE
// as far as the GPU keeps subnormals (most flush them in + - *, see docs/devices.md).
//
// With FAST defined (init({ precision: "fast" })) pin() is the identity and fdiv and
// fsqrt are the GPU's own: the passes as the compiler wants them, bit-identical only
// where it rewrites nothing.
#ifdef FAST
float pin(float x) { return x; }
vec4 pin(vec4 x) { return x; }
#else
uniform uint u_zero;  // never set: uniforms start at 0, and the compiler cannot know it stays so

float pin(float x) { return uintBitsToFloat(floatBitsToUint(x) ^ u_zero); }
vec4 pin(vec4 x) { return uintBitsToFloat(floatBitsToUint(x) ^ uvec4(u_zero)); }
#endif

// A zero of x's sign where x is subnormal, else x (a select: no arithmetic).
float flushed(float x) { uint u = floatBitsToUint(x); return (u & 0x7f800000u) == 0u ? uintBitsToFloat(u & 0x80000000u) : x; }
vec4 flushed(vec4 x) {
  uvec4 u = floatBitsToUint(x);
  return mix(x, uintBitsToFloat(u & 0x80000000u), equal(u & 0x7f800000u, uvec4(0u)));
}

#ifdef FLUSH
#define OPERAND(x) flushed(x)
#define RESULT(x) flushed(pin(x))
#else
#define OPERAND(x) (x)
#define RESULT(x) pin(x)
#endif

float fadd(float a, float b) { return RESULT(OPERAND(a) + OPERAND(b)); }
vec4 fadd(vec4 a, vec4 b) { return RESULT(OPERAND(a) + OPERAND(b)); }
float fsub(float a, float b) { return RESULT(OPERAND(a) - OPERAND(b)); }
vec4 fsub(vec4 a, vec4 b) { return RESULT(OPERAND(a) - OPERAND(b)); }
// fmul: after the helpers below, which its FLUSH variant needs.

// The GPU's own quotient and root: only estimates (the spec allows 2.5 ULP and
// 1/inversesqrt); fdiv and fsqrt correct them. The hostile-compiler test redefines
// these two as the worst a conforming compiler may produce.
#ifndef ESTIMATES
vec4 divEstimate(vec4 a, vec4 b) { return pin(a / b); }
vec4 sqrtEstimate(vec4 x) { return pin(sqrt(x)); }
#endif

// Integer vectors convert to and from float through ivec4 (every value here is below
// 2^31): SIMD CPUs have no unsigned conversions, and SwiftShader emulates them slowly.

// c ? t : f, per component, for integer vectors (ES 3.00's mix takes floats only).
uvec4 select(bvec4 c, uvec4 t, uvec4 f) { uvec4 m = uvec4(0u) - uvec4(c); return (t & m) | (f & ~m); }

// |x| = M * 2^(e - 23) with M in [2^23, 2^24): the significand and exponent of a
// finite nonzero x, subnormals included (uint-to-float conversion below 2^24 is exact;
// with FLUSH, operands are never subnormal).
ivec4 unpack(vec4 x, out uvec4 M) {
  uvec4 bits = floatBitsToUint(x) & 0x7fffffffu;
#ifdef FLUSH
  M = (bits & 0x007fffffu) | 0x00800000u;
  return ivec4(bits >> 23) - 127;
#else
  uvec4 subnormal = uvec4(lessThan(bits, uvec4(0x00800000u)));
  bits = select(bvec4(subnormal), floatBitsToUint(vec4(ivec4(bits))), bits);
  M = (bits & 0x007fffffu) | 0x00800000u;
  return ivec4(bits >> 23) - 127 - ivec4(subnormal * 149u);
#endif
}

// The bits of the float of magnitude M * 2^(e - 23) (M in [2^23, 2^24)), rounded to
// nearest even; `below` > 0 when the exact magnitude is above M * 2^(e - 23), < 0 when
// below, 0 when exact (it breaks ties when the result is subnormal).
uvec4 pack(uvec4 M, ivec4 e, ivec4 below) {
  ivec4 biased = e + 127;
  uvec4 bits = (uvec4(biased - 1) << 23) + M;
#ifdef FLUSH
  bits = select(lessThan(biased, ivec4(1)), uvec4(0u), bits);
#else
  // Subnormal: N = M >> s and the rest, from exact float scalings by 2^-s and 2^s
  // (shifting each component by its own amount is slow on SIMD CPUs). Rounding up is
  // 2 rest + sign(below) + (N odd) > 2^s: above half, or at half with the exact value
  // above, or exactly at half with N odd.
  uvec4 s = uvec4(clamp(1 - biased, 1, 25));
  uvec4 power = uvec4(ivec4(uintBitsToFloat((127u + s) << 23)));
  uvec4 N = uvec4(ivec4(vec4(ivec4(M)) * uintBitsToFloat((127u - s) << 23)));
  uvec4 tail = 2u * (M - N * power) + uvec4(sign(below) + 1) + (N & 1u);
  bits = select(lessThan(biased, ivec4(1)), N + uvec4(greaterThan(tail, power + 1u)), bits);
#endif
  return select(greaterThan(biased, ivec4(254)), uvec4(0x7f800000u), bits);
}

const uint INF = 0x7f800000u;

// bits where c, else f (a select of float bit patterns).
uvec4 choose(bvec4 c, uint bits, uvec4 f) { return select(c, uvec4(bits), f); }

bvec4 isZero(uvec4 bits) { return equal(bits & 0x7fffffffu, uvec4(0u)); }
bvec4 either(bvec4 a, bvec4 b) { return bvec4(uvec4(a) | uvec4(b)); }
bvec4 both(bvec4 a, bvec4 b) { return bvec4(uvec4(a) & uvec4(b)); }

// a * b. With FLUSH a product is flushed when, rounded to 24 bits with no lower limit
// on the exponent, it is below 2^-126 (as src/devices/js/rounding.ts): decided here from
// the operands, so that a GPU that flushes by another rule, or not at all, gives the
// same bits.
#ifdef FLUSH
vec4 fmul(vec4 a, vec4 b) {
  a = flushed(a);
  b = flushed(b);
  uvec4 A, B;
  ivec4 e = unpack(a, A) + unpack(b, B);
  // |ab| = A * B * 2^(e - 46) with A * B in [2^46, 2^48): tiny when e < -127, or when
  // e = -127 and A * B rounded to 24 bits (the float product of the two integers) is
  // below 2^47; where that rounding gives 2^47, the result is 2^-126 exactly.
  vec4 significands = pin(vec4(ivec4(A)) * vec4(ivec4(B)));
  vec4 two47 = vec4(uintBitsToFloat(0x57000000u));
  bvec4 boundary = equal(e, ivec4(-127));
  uvec4 ab = floatBitsToUint(a), bb = floatBitsToUint(b);
  uvec4 sign = (ab ^ bb) & 0x80000000u;
  bvec4 tiny = both(either(lessThan(e, ivec4(-127)), both(boundary, lessThan(significands, two47))),
    not(either(isZero(ab), isZero(bb))));
  vec4 product = mix(pin(a * b), uintBitsToFloat(sign | 0x00800000u), both(boundary, equal(significands, two47)));
  return mix(product, uintBitsToFloat(sign), tiny);
}
float fmul(float a, float b) { return fmul(vec4(a), vec4(b)).x; }
#else
float fmul(float a, float b) { return pin(a * b); }
vec4 fmul(vec4 a, vec4 b) { return pin(a * b); }
#endif

#ifdef FAST
vec4 fdiv(vec4 a, vec4 b) { return RESULT(OPERAND(a) / OPERAND(b)); }
vec4 fsqrt(vec4 x) { return RESULT(sqrt(OPERAND(x))); }
#else
// a / b, correctly rounded (IEEE-754 round to nearest even).
vec4 fdiv(vec4 a, vec4 b) {
  a = OPERAND(a);
  b = OPERAND(b);
  uvec4 A, B;
  ivec4 e = unpack(a, A) - unpack(b, B);
  // The quotient of the significands, scaled into [1, 2): A / B * 2^below.
  uvec4 below = uvec4(lessThan(A, B));
  A += A * below;
  e -= ivec4(below);
  vec4 q = clamp(divEstimate(vec4(ivec4(A)), vec4(ivec4(B))), 1.0, uintBitsToFloat(0x3fffffffu));
  uvec4 Q = (floatBitsToUint(q) & 0x007fffffu) | 0x00800000u;
  // D = A * 2^23 - Q * B, the remainder in units of 2^-46: a few times B at most, so
  // its low 32 bits (all that uint arithmetic keeps) are all of it.
  ivec4 D = ivec4((A << 23) - Q * B);
  // Q + k is the nearest: k = round(D / B), first from a float quotient (which may be
  // off by one near a half: GPUs divide integers slowly), then one exact step each way
  // (there are no ties: a quotient of two 24-bit significands is never a midpoint).
  ivec4 iB = ivec4(B);
  ivec4 k = ivec4(round(vec4(D) / vec4(iB)));
  D -= k * iB;
  ivec4 step = ivec4(greaterThan(2 * D, iB)) - ivec4(lessThan(2 * D, -iB));
  D -= step * iB;
  uvec4 ab = floatBitsToUint(a), bb = floatBitsToUint(b);
  uvec4 sign = (ab ^ bb) & 0x80000000u;
  uvec4 bits = pack(uvec4(ivec4(Q) + k + step), e, D);
  // Zeros, infinities and NaN by the IEEE rules (a GPU's own may not follow them, and
  // one that treats subnormals as zero would get 0 / subnormal wrong).
  uvec4 absA = ab & 0x7fffffffu, absB = bb & 0x7fffffffu;
  bits = choose(either(equal(absA, uvec4(0u)), equal(absB, uvec4(INF))), 0u, bits);
  bits = choose(either(equal(absA, uvec4(INF)), equal(absB, uvec4(0u))), INF, bits);
  bvec4 nan = either(greaterThan(max(absA, absB), uvec4(INF)),
    both(equal(absA, absB), either(equal(absA, uvec4(0u)), equal(absA, uvec4(INF)))));
  return uintBitsToFloat(choose(nan, 0x7fc00000u, sign | bits));
}

// sqrt(x), correctly rounded.
vec4 fsqrt(vec4 x) {
  x = OPERAND(x);
  uvec4 M;
  ivec4 e = unpack(x, M);
  // x = M * 2^(e - 23) with e made even, M in [2^23, 2^25): sqrt(x) = sqrt(M * 2^23) * 2^(e/2 - 23).
  uvec4 odd = uvec4(e & 1);
  M += M * odd;
  e -= ivec4(odd);
  vec4 s = clamp(sqrtEstimate(vec4(ivec4(M)) * uintBitsToFloat(0x34000000u)), 1.0, uintBitsToFloat(0x3fffffffu));
  ivec4 S = ivec4((floatBitsToUint(s) & 0x007fffffu) | 0x00800000u);
  // D = M * 2^23 - S^2 in units of 2^-46, small as in fdiv. S + k is the nearest root:
  // k = round(D / 2S) from a float quotient as in fdiv, then one exact step each way
  // (sqrt(S^2 + D) rounds up iff D > S).
  ivec4 D = ivec4(M << 23) - S * S;
  ivec4 k = ivec4(round(vec4(D) / vec4(2 * S)));
  D -= k * (2 * S + k);
  S += k;
  ivec4 up = ivec4(greaterThan(D, S));
  D -= up * (2 * S + 1);
  S += up - ivec4(lessThanEqual(D, -S));
  // The root of a positive normal or subnormal float is normal. sqrt(+-0) = +-0,
  // sqrt(+inf) = +inf, and NaN for NaN and anything below zero.
  uvec4 bits = floatBitsToUint(x);
  uvec4 root = (uvec4((e >> 1) + 126) << 23) + uvec4(S);
  root = select(either(equal(bits & 0x7fffffffu, uvec4(0u)), equal(bits, uvec4(INF))), bits, root);
  return uintBitsToFloat(choose(both(greaterThan(bits, uvec4(INF)), notEqual(bits, uvec4(0x80000000u))), 0x7fc00000u, root));
}
#endif

// ---- The exact operations of the kernel definitions (src/kernels/vocabulary.ts) -------
// Bit-field work only: no rounding, so nothing a compiler may change.

// A float32 constant from its bits: no decimal parsing by the compiler.
vec4 constant(uint bits) { return vec4(uintBitsToFloat(bits)); }

// Whether x is NaN, from its bits (a compiler may assume comparisons never see NaN).
bvec4 isNaNBits(vec4 x) { return greaterThan(floatBitsToUint(x) & 0x7fffffffu, uvec4(INF)); }

// The smaller and the larger of a and b as WebAssembly's f32.min and f32.max (and
// JavaScript's Math.min, max) give them: NaN if either is NaN, -0 below +0. GLSL's own
// min and max leave both undefined, and GPUs differ (SwiftShader's min(NaN, x) is x).
const uint NAN = 0x7fc00000u;
vec4 fmin(vec4 a, vec4 b) {
  bvec4 nan = either(isNaNBits(a), isNaNBits(b));
  // Equal values: the same bits, or zeros of two signs, of which -0 (the signs ORed) is the smaller.
  vec4 m = mix(mix(b, a, lessThan(a, b)), uintBitsToFloat(floatBitsToUint(a) | floatBitsToUint(b)), equal(a, b));
  return mix(m, uintBitsToFloat(uvec4(NAN)), nan);
}
vec4 fmax(vec4 a, vec4 b) {
  bvec4 nan = either(isNaNBits(a), isNaNBits(b));
  vec4 m = mix(mix(b, a, greaterThan(a, b)), uintBitsToFloat(floatBitsToUint(a) & floatBitsToUint(b)), equal(a, b));
  return mix(m, uintBitsToFloat(uvec4(NAN)), nan);
}

// 2^n for integer-valued n in [-126, 127]; NaN for NaN.
vec4 pow2(vec4 n) { return mix(intBitsToFloat((ivec4(n) + 127) << 23), n, isNaNBits(n)); }

// The exponent field of x minus 127, as a float (e for a positive normal x = m * 2^e).
vec4 exponentOf(vec4 x) { return vec4(ivec4((floatBitsToUint(x) >> 23) & 0xffu) - 127); }

// x with its sign cleared and its exponent field set to 127: m in [1, 2).
vec4 significandOf(vec4 x) { return uintBitsToFloat((floatBitsToUint(x) & 0x007fffffu) | 0x3f800000u); }

// lowbias32, the 32-bit integer mixer of Dropout's masks and of the traces' fingerprints
// (src/kernels/random.ts). GLSL ES 3.00 uint arithmetic wraps modulo 2^32, as it needs.
uint mix32(uint x) {
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}
uvec4 mix32(uvec4 x) { return uvec4(mix32(x.x), mix32(x.y), mix32(x.z), mix32(x.w)); }
