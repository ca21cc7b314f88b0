// The non-finite guard's count (WebGPUDevice.guardedStep): one element of `a` per
// invocation; a NaN or an infinity adds one to counts[0] (the step's total) and to
// counts[1 + slot] (this array's). Decided from the bits: WGSL lets a compiler assume
// that no value is NaN or infinite. Parameters: the offsets of a and counts, then slot;
// the element count is parameters.count.
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> counts: array<atomic<u32>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = invocation(id, groups);
  if (e >= parameters.count) { return; }
  if ((bitcast<u32>(a[value(0u) + e]) & INF) == INF) {
    atomicAdd(&counts[value(1u)], 1u);
    atomicAdd(&counts[value(1u) + 1u + value(2u)], 1u);
  }
}
