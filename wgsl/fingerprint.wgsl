// One chunk per invocation: its two hash lanes of the input's bits, as
// src/kernels/fingerprint.ts defines them, written as 16-bit halves (exact floats) to
// out[4c .. 4c + 3]. Parameters: the offsets of a and out, then the chunk's length; the
// element count is parameters.count.
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let c = invocation(id, groups);
  let start = c * value(2u);
  if (start >= parameters.count) { return; }
  let end = min(parameters.count, start + value(2u));
  var h1 = 0x243f6a88u;
  var h2 = 0x85a308d3u;
  for (var i = start; i < end; i++) {
    var b = bitcast<u32>(a[value(0u) + i]);
    if ((b & 0x7fffffffu) > INF) { b = NAN; }
    h1 = mix32(h1 ^ b);
    h2 = (h2 ^ b) * 0x01000193u;
  }
  let o = value(1u) + 4u * c;
  out[o] = f32(h1 & 0xffffu);
  out[o + 1u] = f32(h1 >> 16u);
  out[o + 2u] = f32(h2 & 0xffffu);
  out[o + 3u] = f32(h2 >> 16u);
}
