// Prepended to every compute pass of the WebGPU kernels: the strict float32 vocabulary
// of glsl/common.glsl in WGSL, for the webgpu device (src/devices/webgpu/).
//
// WGSL is looser than GLSL ES: a compiler may reassociate, fold and contract what a pass
// writes, divide to 2.5 ULP, take square roots through inverseSqrt, assume no NaN or
// infinity reaches a comparison, and flush subnormals. So every operation the js
// reference rounds is one of the calls below; each result goes through pin(), a round
// trip through its bits xor a zero the pass reads from a storage buffer (a uniform's
// value may be inlined by newer Mesa; a bare round trip is folded by Naga and Tint
// alike). Division and square root start from the GPU's estimate and finish in integer
// arithmetic, which compilers cannot change; comparisons and min/max decide NaN from
// the bits.
//
// Subnormals: with the override FLUSH true (init({ subnormals: "flush" })) every
// operation treats subnormal operands as zero and flushes a subnormal result to a zero
// of its sign, as the CPU devices then do; without it the arithmetic is IEEE as far as
// the adapter keeps subnormals (lavapipe does; SwiftShader flushes them in + - *).
override FLUSH: bool = false;
// EMULATE (set by the device in "keep" mode on an adapter that flushes subnormals, as
// SwiftShader does): + - * and the comparisons are done so that no subnormal reaches the
// adapter's float arithmetic (see addKeep, mulKeep, orderKey), and keep the IEEE results.
override EMULATE: bool = false;

// The bindings every pass has: the zero of pin() and the pass's integer parameters
// (element count, offsets, scalars' bits), at binding 0 of group 1.
struct Parameters { zero: u32, count: u32, values: array<u32> }
@group(1) @binding(0) var<storage, read> parameters: Parameters;

// The non-finite guard of an optimizer step (WebGPUDevice.guardedStep): the elementwise
// passes do nothing where its first word, the count of NaN and infinite gradient elements
// (wgsl/countNonFinite.wgsl), is not zero. Outside a guarded step it is a zero word.
@group(1) @binding(1) var<storage, read> guard: array<u32>;

// Integer parameter i of a pass (after the count).
fn value(i: u32) -> u32 { return parameters.values[i]; }

fn pin(x: vec4f) -> vec4f { return bitcast<vec4f>(bitcast<vec4u>(x) ^ vec4u(parameters.zero)); }

// A zero of x's sign where x is subnormal, else x (a select: no arithmetic).
fn flushed(x: vec4f) -> vec4f {
  let u = bitcast<vec4u>(x);
  return select(x, bitcast<vec4f>(u & vec4u(0x80000000u)), (u & vec4u(0x7f800000u)) == vec4u(0u));
}

fn operand(x: vec4f) -> vec4f { if (FLUSH) { return flushed(x); } return x; }
fn result(x: vec4f) -> vec4f { if (FLUSH) { return flushed(pin(x)); } return pin(x); }

fn fadd(a: vec4f, b: vec4f) -> vec4f { if (EMULATE) { return addKeep(a, b); } return result(operand(a) + operand(b)); }
fn fsub(a: vec4f, b: vec4f) -> vec4f { if (EMULATE) { return addKeep(a, fneg(b)); } return result(operand(a) - operand(b)); }

// -x and |x| from the bits (an adapter that flushes might flush the operators' results).
fn fneg(x: vec4f) -> vec4f { return bitcast<vec4f>(bitcast<vec4u>(x) ^ vec4u(0x80000000u)); }
fn fabs(x: vec4f) -> vec4f { return bitcast<vec4f>(bitcast<vec4u>(x) & vec4u(0x7fffffffu)); }

// a + b under EMULATE. Where both are below 2^-100 in magnitude, both are scaled by 2^100
// from their bits (exactly: unpack reads a subnormal through an integer conversion) and
// added as normal floats; a sum below 2^-126 is then an exact multiple of 2^-149, made
// back into a subnormal from its integer, and a larger one scaled back exactly. Otherwise
// no subnormal can matter: a sum of values one of which is at least 2^-100 is a multiple
// of 2^-124 or nothing (so never subnormal), and a subnormal operand is below an eighth
// of the other's ULP, which rounding to nearest then gives back unchanged.
fn addKeep(a: vec4f, b: vec4f) -> vec4f {
  let small = max(bitcast<vec4u>(fabs(a)), bitcast<vec4u>(fabs(b))) < vec4u(0x0d800000u);
  let s = pin(scaleUp(a) + scaleUp(b));
  let magnitude = bitcast<vec4u>(fabs(s));
  let sign = bitcast<vec4u>(s) & vec4u(0x80000000u);
  let subnormal = sign | vec4u(pin(bitcast<vec4f>(magnitude) * constant(0x58000000u)));
  let normal = bitcast<vec4u>(pin(s * constant(0x0d800000u)));
  let emulated = bitcast<vec4f>(select(normal, subnormal, magnitude < vec4u(0x32800000u)));
  return select(pin(a + b), emulated, small);
}

// x * 2^100 for |x| < 2^-100 (zeros kept), built from the bits.
fn scaleUp(x: vec4f) -> vec4f {
  let u = unpack(x);
  let bits = bitcast<vec4u>(x);
  let scaled = (bits & vec4u(0x80000000u)) | (bitcast<vec4u>(u.e + 227) << vec4u(23u)) | (u.M & vec4u(0x007fffffu));
  return bitcast<vec4f>(select(scaled, bits, isZero(bits)));
}

// The GPU's own quotient and root: only estimates; fdiv and fsqrt correct them.
fn divEstimate(a: vec4f, b: vec4f) -> vec4f { return pin(a / b); }
fn sqrtEstimate(x: vec4f) -> vec4f { return pin(sqrt(x)); }

// |x| = M * 2^(e - 23) with M in [2^23, 2^24): the significand and exponent of a finite
// nonzero x, subnormals included (a conversion of an integer below 2^24 is exact; with
// FLUSH, operands are never subnormal). Returns (e, M) as the components of a pair.
struct Unpacked { e: vec4i, M: vec4u }
fn unpack(x: vec4f) -> Unpacked {
  var bits = bitcast<vec4u>(x) & vec4u(0x7fffffffu);
  if (FLUSH) {
    return Unpacked(vec4i(bits >> vec4u(23u)) - 127, (bits & vec4u(0x007fffffu)) | vec4u(0x00800000u));
  }
  let subnormal = bits < vec4u(0x00800000u);
  bits = select(bits, bitcast<vec4u>(vec4f(vec4i(bits))), subnormal);
  return Unpacked(vec4i(bits >> vec4u(23u)) - 127 - select(vec4i(0), vec4i(149), subnormal),
    (bits & vec4u(0x007fffffu)) | vec4u(0x00800000u));
}

// The bits of the float of magnitude M * 2^(e - 23) (M in [2^23, 2^24)), rounded to
// nearest even; `below` > 0 when the exact magnitude is above M * 2^(e - 23), < 0 when
// below, 0 when exact (it breaks ties when the result is subnormal).
fn pack(M: vec4u, e: vec4i, below: vec4i) -> vec4u {
  let biased = e + 127;
  var bits = (bitcast<vec4u>(biased - 1) << vec4u(23u)) + M;
  if (FLUSH) {
    bits = select(bits, vec4u(0u), biased < vec4i(1));
  } else {
    // Subnormal: N = M >> s and the rest, from exact float scalings by 2^-s and 2^s.
    // Rounding up is 2 rest + sign(below) + (N odd) > 2^s: above half, or at half with
    // the exact value above, or exactly at half with N odd.
    let s = bitcast<vec4u>(clamp(1 - biased, vec4i(1), vec4i(25)));
    let power = bitcast<vec4u>(vec4i(bitcast<vec4f>((vec4u(127u) + s) << vec4u(23u))));
    let N = bitcast<vec4u>(vec4i(vec4f(vec4i(M)) * bitcast<vec4f>((vec4u(127u) - s) << vec4u(23u))));
    let tail = 2u * (M - N * power) + bitcast<vec4u>(sign(below) + 1) + (N & vec4u(1u));
    bits = select(bits, N + select(vec4u(0u), vec4u(1u), tail > power + 1u), biased < vec4i(1));
  }
  return select(bits, vec4u(INF), biased > vec4i(254));
}

const INF = 0x7f800000u;
const NAN = 0x7fc00000u;

fn isZero(bits: vec4u) -> vec4<bool> { return (bits & vec4u(0x7fffffffu)) == vec4u(0u); }

// a * b. With FLUSH a product is flushed when, rounded to 24 bits with no lower limit on
// the exponent, it is below 2^-126 (as src/devices/js/rounding.ts): decided from the
// operands, so that an adapter that flushes by another rule, or not at all, gives the
// same bits.
fn fmul(x: vec4f, y: vec4f) -> vec4f {
  if (EMULATE) { return mulKeep(x, y); }
  if (!FLUSH) { return pin(x * y); }
  let a = flushed(x);
  let b = flushed(y);
  let ua = unpack(a);
  let ub = unpack(b);
  let e = ua.e + ub.e;
  // |ab| = A * B * 2^(e - 46) with A * B in [2^46, 2^48): tiny when e < -127, or when
  // e = -127 and A * B rounded to 24 bits (the float product of the two integers) is
  // below 2^47; where that rounding gives 2^47, the result is 2^-126 exactly.
  let significands = pin(vec4f(vec4i(ua.M)) * vec4f(vec4i(ub.M)));
  let two47 = vec4f(bitcast<f32>(0x57000000u));
  let boundary = e == vec4i(-127);
  let ab = bitcast<vec4u>(a);
  let bb = bitcast<vec4u>(b);
  let sign = (ab ^ bb) & vec4u(0x80000000u);
  let tiny = ((e < vec4i(-127)) | (boundary & (significands < two47))) & !(isZero(ab) | isZero(bb));
  let product = select(pin(a * b), bitcast<vec4f>(sign | vec4u(0x00800000u)), boundary & (significands == two47));
  return select(product, bitcast<vec4f>(sign), tiny);
}

// a * b under EMULATE, from the significands: F, the float product of the two 24-bit
// integers (normal, so the adapter rounds it as IEEE does), is M24 * 2^k; the exact
// product's distance from it, D = Ma * Mb - M24 * 2^k, is below 2^25 in magnitude, so
// u32 arithmetic modulo 2^32 gives all of it; pack() rounds M24 again where the result is
// subnormal, D breaking the ties.
fn mulKeep(x: vec4f, y: vec4f) -> vec4f {
  let ax = bitcast<vec4u>(x);
  let ay = bitcast<vec4u>(y);
  let absX = ax & vec4u(0x7fffffffu);
  let absY = ay & vec4u(0x7fffffffu);
  let ua = unpack(x);
  let ub = unpack(y);
  let F = bitcast<vec4u>(pin(vec4f(vec4i(ua.M)) * vec4f(vec4i(ub.M))));
  let k = vec4i(F >> vec4u(23u)) - 150;
  let M24 = (F & vec4u(0x007fffffu)) | vec4u(0x00800000u);
  let D = bitcast<vec4i>(ua.M * ub.M - (M24 << bitcast<vec4u>(k)));
  var bits = pack(M24, ua.e + ub.e + k - 23, D);
  bits = select(bits, vec4u(0u), (absX == vec4u(0u)) | (absY == vec4u(0u)));
  bits = select(bits, vec4u(INF), (absX == vec4u(INF)) | (absY == vec4u(INF)));
  let nan = (max(absX, absY) > vec4u(INF)) | ((absX == vec4u(0u)) & (absY == vec4u(INF))) |
    ((absX == vec4u(INF)) & (absY == vec4u(0u)));
  return bitcast<vec4f>(select(((ax ^ ay) & vec4u(0x80000000u)) | bits, vec4u(NAN), nan));
}

// a / b, correctly rounded (IEEE-754 round to nearest even).
fn fdiv(x: vec4f, y: vec4f) -> vec4f {
  let a = operand(x);
  let b = operand(y);
  let ua = unpack(a);
  let ub = unpack(b);
  // The quotient of the significands, scaled into [1, 2): A / B * 2^below.
  let below = select(vec4u(0u), vec4u(1u), ua.M < ub.M);
  let A = ua.M + ua.M * below;
  let B = ub.M;
  let e = ua.e - ub.e - vec4i(below);
  let q = clamp(divEstimate(vec4f(vec4i(A)), vec4f(vec4i(B))), vec4f(1.0), vec4f(bitcast<f32>(0x3fffffffu)));
  let Q = (bitcast<vec4u>(q) & vec4u(0x007fffffu)) | vec4u(0x00800000u);
  // D = A * 2^23 - Q * B, the remainder in units of 2^-46: a few times B at most, so its
  // low 32 bits (all that u32 arithmetic keeps) are all of it.
  var D = bitcast<vec4i>((A << vec4u(23u)) - Q * B);
  // Q + k is the nearest: k = round(D / B), first from a float quotient, then one exact
  // step each way (a quotient of two 24-bit significands is never a midpoint).
  let iB = vec4i(B);
  let k = vec4i(round(vec4f(D) / vec4f(iB)));
  D -= k * iB;
  let step = select(vec4i(0), vec4i(1), 2 * D > iB) - select(vec4i(0), vec4i(1), 2 * D < -iB);
  D -= step * iB;
  let ab = bitcast<vec4u>(a);
  let bb = bitcast<vec4u>(b);
  let sign = (ab ^ bb) & vec4u(0x80000000u);
  var bits = pack(bitcast<vec4u>(bitcast<vec4i>(Q) + k + step), e, D);
  // Zeros, infinities and NaN by the IEEE rules.
  let absA = ab & vec4u(0x7fffffffu);
  let absB = bb & vec4u(0x7fffffffu);
  bits = select(bits, vec4u(0u), (absA == vec4u(0u)) | (absB == vec4u(INF)));
  bits = select(bits, vec4u(INF), (absA == vec4u(INF)) | (absB == vec4u(0u)));
  let nan = (max(absA, absB) > vec4u(INF)) | ((absA == absB) & ((absA == vec4u(0u)) | (absA == vec4u(INF))));
  return bitcast<vec4f>(select(sign | bits, vec4u(NAN), nan));
}

// sqrt(x), correctly rounded.
fn fsqrt(y: vec4f) -> vec4f {
  let x = operand(y);
  let u = unpack(x);
  // x = M * 2^(e - 23) with e made even, M in [2^23, 2^25): sqrt(x) = sqrt(M * 2^23) * 2^(e/2 - 23).
  let odd = bitcast<vec4u>(u.e & vec4i(1));
  let M = u.M + u.M * odd;
  let e = u.e - bitcast<vec4i>(odd);
  let s = clamp(sqrtEstimate(vec4f(vec4i(M)) * bitcast<f32>(0x34000000u)), vec4f(1.0), vec4f(bitcast<f32>(0x3fffffffu)));
  var S = bitcast<vec4i>((bitcast<vec4u>(s) & vec4u(0x007fffffu)) | vec4u(0x00800000u));
  // D = M * 2^23 - S^2 in units of 2^-46, small as in fdiv. S + k is the nearest root:
  // k = round(D / 2S) from a float quotient, then one exact step each way (sqrt(S^2 + D)
  // rounds up iff D > S).
  var D = bitcast<vec4i>(M << vec4u(23u)) - S * S;
  let k = vec4i(round(vec4f(D) / vec4f(2 * S)));
  D -= k * (2 * S + k);
  S += k;
  let up = select(vec4i(0), vec4i(1), D > S);
  D -= up * (2 * S + 1);
  S += up - select(vec4i(0), vec4i(1), D <= -S);
  // The root of a positive normal or subnormal float is normal. sqrt(+-0) = +-0,
  // sqrt(+inf) = +inf, and NaN for NaN and anything below zero.
  let bits = bitcast<vec4u>(x);
  var root = (bitcast<vec4u>((e >> vec4u(1u)) + 126) << vec4u(23u)) + bitcast<vec4u>(S);
  root = select(root, bits, isZero(bits) | (bits == vec4u(INF)));
  return bitcast<vec4f>(select(root, vec4u(NAN), (bits > vec4u(INF)) & (bits != vec4u(0x80000000u))));
}

// ---- The exact operations of the kernel definitions (src/kernels/vocabulary.ts) -------
// Bit-field work only: no rounding, so nothing a compiler may change.

// A float32 constant from its bits: no decimal parsing by the compiler.
fn constant(bits: u32) -> vec4f { return vec4f(bitcast<f32>(bits)); }

// Whether x is NaN, from its bits (a compiler may assume comparisons never see NaN).
fn isNaNBits(x: vec4f) -> vec4<bool> { return (bitcast<vec4u>(x) & vec4u(0x7fffffffu)) > vec4u(INF); }

// Comparisons as IEEE (and JavaScript) make them: false where either side is NaN.
// Under EMULATE they compare orderKey()s, integers in the order of the (non-NaN) floats
// with both zeros equal, since an adapter that flushes subnormals may compare them as 0.
fn orderKey(x: vec4f) -> vec4i {
  let i = bitcast<vec4i>(x);
  return select(i, -(i & vec4i(0x7fffffff)), i < vec4i(0));
}
fn ordered(a: vec4f, b: vec4f) -> vec4<bool> { return !(isNaNBits(a) | isNaNBits(b)); }
fn above(a: vec4f, b: vec4f) -> vec4<bool> { if (EMULATE) { return orderKey(a) > orderKey(b); } return a > b; }
fn same(a: vec4f, b: vec4f) -> vec4<bool> { if (EMULATE) { return orderKey(a) == orderKey(b); } return a == b; }
fn fgt(a: vec4f, b: vec4f) -> vec4<bool> { return ordered(a, b) & above(a, b); }
fn fge(a: vec4f, b: vec4f) -> vec4<bool> { return ordered(a, b) & (above(a, b) | same(a, b)); }
fn flt(a: vec4f, b: vec4f) -> vec4<bool> { return ordered(a, b) & above(b, a); }
fn fle(a: vec4f, b: vec4f) -> vec4<bool> { return ordered(a, b) & (above(b, a) | same(a, b)); }
fn feq(a: vec4f, b: vec4f) -> vec4<bool> { return ordered(a, b) & same(a, b); }

// floor(x); under EMULATE a subnormal's floor from its sign (-1 below zero, else +0).
fn ffloor(x: vec4f) -> vec4f {
  if (!EMULATE) { return floor(x); }
  let bits = bitcast<vec4u>(x);
  let subnormal = ((bits & vec4u(0x7f800000u)) == vec4u(0u)) & !isZero(bits);
  return select(floor(x), select(vec4f(0.0), vec4f(-1.0), bits >= vec4u(0x80000000u)), subnormal);
}

// The smaller and the larger of a and b as WebAssembly's f32.min and f32.max (and
// JavaScript's Math.min, max) give them: NaN if either is NaN, -0 below +0.
// (A NaN is made from bits at run time: Tint rejects a NaN or an infinity as a constant.)
fn fmin(a: vec4f, b: vec4f) -> vec4f {
  // Equal values: the same bits, or zeros of two signs, of which -0 (the signs ORed) is the smaller.
  let m = select(select(b, a, above(b, a)), bitcast<vec4f>(bitcast<vec4u>(a) | bitcast<vec4u>(b)), same(a, b));
  return bitcast<vec4f>(select(bitcast<vec4u>(m), vec4u(NAN), isNaNBits(a) | isNaNBits(b)));
}
fn fmax(a: vec4f, b: vec4f) -> vec4f {
  let m = select(select(b, a, above(a, b)), bitcast<vec4f>(bitcast<vec4u>(a) & bitcast<vec4u>(b)), same(a, b));
  return bitcast<vec4f>(select(bitcast<vec4u>(m), vec4u(NAN), isNaNBits(a) | isNaNBits(b)));
}

// 2^n for integer-valued n in [-126, 127]; NaN for NaN.
fn pow2(n: vec4f) -> vec4f { return select(bitcast<vec4f>((vec4i(n) + 127) << vec4u(23u)), n, isNaNBits(n)); }

// The exponent field of x minus 127, as a float (e for a positive normal x = m * 2^e).
fn exponentOf(x: vec4f) -> vec4f { return vec4f(vec4i((bitcast<vec4u>(x) >> vec4u(23u)) & vec4u(0xffu)) - 127); }

// x with its sign cleared and its exponent field set to 127: m in [1, 2).
fn significandOf(x: vec4f) -> vec4f {
  return bitcast<vec4f>((bitcast<vec4u>(x) & vec4u(0x007fffffu)) | vec4u(0x3f800000u));
}

// lowbias32 (src/kernels/random.ts's mix32): u32 arithmetic wraps modulo 2^32, as the hash needs.
fn mix32(v: u32) -> u32 {
  var x = v;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

// Invocation index of a pass dispatched as (x, y) workgroups of 64 (see WebGPUDevice.dispatch).
fn invocation(id: vec3u, groups: vec3u) -> u32 { return id.x + id.y * groups.x * 64u; }
