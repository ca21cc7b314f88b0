// Included by the sliding-window passes (//! include window): the WindowShape of
// src/runtime/Device.ts, read from the parameters after the pass's ARRAYS offsets, and
// the index arithmetic of src/devices/js/windows.ts.
struct Window {
  n: i32, maps: i32, height: i32, width: i32, kernelH: i32, kernelW: i32, strideH: i32, strideW: i32,
  padH: i32, padW: i32, dilationH: i32, dilationW: i32, outH: i32, outW: i32,
}

fn windowShape() -> Window {
  var v: array<i32, 14>;
  for (var k = 0u; k < 14u; k++) { v[k] = i32(value(ARRAYS + k)); }
  return Window(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13]);
}

// The input row (or column) that kernel offset r of output o reads, -1 in the padding.
fn windowSource(o: i32, r: i32, stride: i32, pad: i32, dilation: i32, size: i32) -> i32 {
  let at = o * stride - pad + r * dilation;
  return select(-1, at, at >= 0 && at < size);
}

// The output row (or column) whose kernel offset r reads input row h, -1 if none does.
fn windowOutput(h: i32, r: i32, stride: i32, pad: i32, dilation: i32, outSize: i32) -> i32 {
  let t = h + pad - r * dilation;
  if (t < 0 || t % stride != 0) { return -1; }
  let o = t / stride;
  return select(-1, o, o < outSize);
}

// The divisor of window (oh, ow) of an average: its size, or (NO_PAD) its cells inside the input.
fn divisor(s: Window, oh: i32, ow: i32, noPad: bool) -> f32 {
  if (!noPad) { return f32(s.kernelH * s.kernelW); }
  var count = 0;
  for (var r = 0; r < s.kernelH; r++) {
    for (var q = 0; q < s.kernelW; q++) {
      if (windowSource(oh, r, s.strideH, s.padH, 1, s.height) >= 0 && windowSource(ow, q, s.strideW, s.padW, 1, s.width) >= 0) {
        count++;
      }
    }
  }
  return f32(count);
}
