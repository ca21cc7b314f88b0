//! include math
// Softmax over the classes of each row (see RowShape in src/runtime/Device.ts), the
// operations of src/devices/js/rows.ts in its order, one output element per invocation,
// each recomputing its row's largest element m and sum s (rows are one item's classes).
// MODE: 0, out = softmax(x); 1, cross-entropy's gradient; 2, one row's loss per element.
// WEIGHTED: class weights in the last two. Parameters: the offsets of x, labels, weights
// and out, then classes, positions, the output's element count and n's float32 bits.
override MODE: u32 = 0u;
override WEIGHTED: bool = false;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn at(index: u32) -> vec4f { return operand(vec4f(x[value(0u) + index])); }

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let classes = value(4u);
  let positions = value(5u);
  let e = invocation(id, groups);
  if (e >= value(6u)) { return; }
  let perSample = classes * positions;
  // The row's first element, and (for the softmax and the gradient) this element's class.
  var base: u32;
  var j = 0u;
  var row: u32;
  if (MODE == 2u) {
    row = e;
    base = (e / positions) * perSample + e % positions;
  } else {
    let item = e / perSample;
    let q = e % positions;
    j = (e % perSample) / positions;
    row = item * positions + q;
    base = item * perSample + q;
  }
  var m = at(base);
  for (var k = 1u; k < classes; k++) { m = fmax(m, at(base + k * positions)); }
  var s = vec4f(0.0);
  for (var k = 0u; k < classes; k++) { s = fadd(s, expF(fsub(at(base + k * positions), m))); }
  // The label, checked in the integer domain (labels given as a DeviceArray are checked on
  // the host only later, see CrossEntropy): an integer in [0, classes), -0 included; an
  // invalid one makes the row's loss and gradient NaN, which the update's guard refuses.
  var label = 0u;
  if (MODE != 0u) {
    let raw = bitcast<u32>(labels[value(1u) + row]);
    let magnitude = raw & 0x7fffffffu;
    var valid = ((raw >> 31u) == 0u || magnitude == 0u) && magnitude < 0x4f000000u;
    if (valid) {
      label = u32(bitcast<f32>(magnitude));
      valid = bitcast<u32>(f32(label)) == magnitude && label < classes;
    }
    if (!valid) {
      // NAN through select(): a constant NaN is a WGSL parse error (Tint's).
      out[value(3u) + e] = bitcast<f32>(select(raw, NAN, !valid));
      return;
    }
  }
  var result: vec4f;
  if (MODE == 2u) {
    result = fsub(logF(s), fsub(at(base + label * positions), m));
    if (WEIGHTED) { result = fmul(result, operand(vec4f(weights[value(2u) + label]))); }
  } else {
    result = fdiv(expF(fsub(at(base + j * positions), m)), s);
    if (MODE == 1u) {
      var d = fsub(result, vec4f(select(0.0, 1.0, j == label)));
      if (WEIGHTED) { d = fmul(d, operand(vec4f(weights[value(2u) + j]))); }
      result = fdiv(d, vec4f(bitcast<f32>(value(7u))));
    }
  }
  out[value(3u) + e] = result.x;
}
