// The sliding-window kernels of Conv2D and the pools and BatchNorm2D's per-channel
// kernels: the operations and orders of src/devices/js/windows.ts (see HandWrittenKernels
// in src/runtime/Device.ts), scalar code but for runs of neighbouring columns in
// im2row and row2im, copied and added four at a time on wasm-simd (the example CNN's
// second convolution at batch 64, one thread: im2row 8.2 -> 4.2 ms, row2im 12.8 -> 9.2
// ms). Each call computes a range of whole outputs (rows of cols, maps, channels or
// elements), so the threads' parts split anywhere.
// A window is passed as its fields: maps, height, width, kernel, stride, pad and
// dilation (rows, then columns), and the output's height and width.
//
// row2im and poolBackward scatter: they walk the outputs from the last to the first and
// add each one's terms into the input positions it read, which gives every input
// position its terms in the order the js reference gathers them (kernel row, then
// kernel column, ascending: a later output reads a position through an earlier kernel
// offset), while the outputs' rows are read in memory order.
import { fl, fload, fadd, fsub, fmul, fdiv, flv, vadd, vload } from "./vocabulary";
import { matmul, matmulFlush } from "./matmul";

/** The input row of kernel offset r of output o, -1 in the padding. */
@inline function source(o: i32, r: i32, stride: i32, pad: i32, dilation: i32, size: i32): i32 {
  const at = o * stride - pad + r * dilation;
  return at >= 0 && at < size ? at : -1;
}

/** ceil(t / d) for d > 0. */
@inline function ceilDiv(t: i32, d: i32): i32 {
  return t > 0 ? (t + d - 1) / d : -(-t / d);
}

/** The first kernel offset of output o that reads inside the input (kernel offsets from 0). */
@inline function firstInside(o: i32, stride: i32, pad: i32, dilation: i32): i32 {
  return max(0, ceilDiv(pad - o * stride, dilation));
}

/** One past the last kernel offset of output o that reads inside the input (at most k). */
@inline function endInside(o: i32, stride: i32, pad: i32, dilation: i32, size: i32, k: i32): i32 {
  return min(k, ceilDiv(size + pad - o * stride, dilation));
}

/** Rows row0 .. row1 - 1 of cols (a row per output position (i, oh, ow)): a copy, no arithmetic. */
export function im2row(x: usize, cols: usize, row0: i32, row1: i32, maps: i32, height: i32, width: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, outH: i32, outW: i32): void {
  let at = cols + (<usize>row0 * <usize>(maps * kh * kw) << 2);
  for (let row = row0; row < row1; row++) {
    const i = row / (outH * outW);
    const oh = (row / outW) % outH;
    const ow = row % outW;
    const q0 = firstInside(ow, sw, pw, dw);
    const q1 = max(q0, endInside(ow, sw, pw, dw, width, kw));
    const w0 = ow * sw - pw;
    if (ASC_FEATURE_SIMD && dw == 1 && kw >= 4 && q0 == 0 && q1 == kw) {
      // The window's columns all inside the input: each kernel row is kw neighbouring floats
      // (or kw zeros in the padding rows), stored as vectors, the last one overlapping the one
      // before when kw is not a multiple of 4.
      const last = <usize>(kw - 4) << 2;
      for (let c = 0; c < maps; c++) {
        const map = (i * maps + c) * height;
        for (let r = 0; r < kh; r++, at += <usize>kw << 2) {
          const h = source(oh, r, sh, ph, dh, height);
          if (h < 0) {
            for (let q: usize = 0; q < last; q += 16) v128.store(at + q, f32x4.splat(0));
            v128.store(at + last, f32x4.splat(0));
            continue;
          }
          const src = x + (<usize>((map + h) * width + w0) << 2);
          for (let q: usize = 0; q < last; q += 16) v128.store(at + q, v128.load(src + q));
          v128.store(at + last, v128.load(src + last));
        }
      }
      continue;
    }
    for (let c = 0; c < maps; c++) {
      const map = (i * maps + c) * height;
      for (let r = 0; r < kh; r++) {
        const h = source(oh, r, sh, ph, dh, height);
        if (h < 0) {
          memory.fill(at, 0, <usize>kw << 2);
          at += <usize>kw << 2;
          continue;
        }
        const line = x + (<usize>((map + h) * width + w0) << 2);
        for (let q = 0; q < q0; q++, at += 4) store<f32>(at, 0);
        let q = q0;
        if (ASC_FEATURE_SIMD && dw == 1) {
          // A run of neighbouring columns, four at a time.
          for (; q + 4 <= q1; q += 4, at += 16) v128.store(at, v128.load(line + (<usize>q << 2)));
        }
        for (; q < q1; q++, at += 4) store<f32>(at, load<f32>(line + (<usize>(q * dw) << 2)));
        for (q = q1; q < kw; q++, at += 4) store<f32>(at, 0);
      }
    }
  }
}

export function row2im(cols: usize, x: usize, map0: i32, map1: i32, maps: i32, height: i32, width: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, outH: i32, outW: i32): void {
  row2imBody(cols, x, map0, map1, maps, height, width, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW, false);
}

/** row2im under subnormals "flush". */
export function row2imFlush(cols: usize, x: usize, map0: i32, map1: i32, maps: i32, height: i32, width: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, outH: i32, outW: i32): void {
  row2imBody(cols, x, map0, map1, maps, height, width, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW, true);
}

/** Maps map0 .. map1 - 1 of x (map = i * maps + c), scattered from the rows of cols, last row first. */
@inline function row2imBody(cols: usize, x: usize, map0: i32, map1: i32, maps: i32, height: i32, width: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, outH: i32, outW: i32, flush: bool): void {
  const k = maps * kh * kw;
  const plane = height * width;
  memory.fill(x + (<usize>(map0 * plane) << 2), 0, <usize>((map1 - map0) * plane) << 2);
  for (let i = map0 / maps; i * maps < map1; i++) {
    const c0 = max(map0 - i * maps, 0);
    const c1 = min(map1 - i * maps, maps);
    for (let oh = outH - 1; oh >= 0; oh--) {
      const r0 = firstInside(oh, sh, ph, dh);
      const r1 = endInside(oh, sh, ph, dh, height, kh);
      for (let ow = outW - 1; ow >= 0; ow--) {
        const q0 = firstInside(ow, sw, pw, dw);
        const q1 = endInside(ow, sw, pw, dw, width, kw);
        const row = cols + (<usize>(((i * outH + oh) * outW + ow) * k) << 2);
        if (ASC_FEATURE_SIMD && dw == 1 && kw >= 4 && q0 == 0 && q1 == kw) {
          // The window's columns all inside the input: each kernel row's terms go to kw
          // neighbouring positions, four at a time.
          const lineStep = <usize>(dh * width) << 2;
          const rowTerms = <usize>kw << 2;
          const vectors = <usize>(kw & ~3) << 2;
          for (let c = c0; c < c1; c++) {
            let line = x + (<usize>(((i * maps + c) * height + oh * sh - ph + r0 * dh) * width + ow * sw - pw) << 2);
            let terms = row + (<usize>((c * kh + r0) * kw) << 2);
            for (let r = r0; r < r1; r++, line += lineStep, terms += rowTerms) {
              let q: usize = 0;
              for (; q < vectors; q += 16) v128.store(line + q, vadd(v128.load(line + q), vload(terms + q, flush), flush));
              for (; q < rowTerms; q += 4) store<f32>(line + q, fadd(load<f32>(line + q), fload(terms + q, flush), flush));
            }
          }
          continue;
        }
        for (let c = c0; c < c1; c++) {
          const map = x + (<usize>((i * maps + c) * plane) << 2);
          for (let r = r0; r < r1; r++) {
            const line = map + (<usize>((oh * sh - ph + r * dh) * width + ow * sw - pw) << 2);
            const terms = row + (<usize>((c * kh + r) * kw) << 2);
            let q = q0;
            if (ASC_FEATURE_SIMD && dw == 1) {
              // Neighbouring columns are distinct positions: four of them take their term at once.
              for (; q + 4 <= q1; q += 4) {
                const p = line + (<usize>q << 2);
                v128.store(p, vadd(v128.load(p), vload(terms + (<usize>q << 2), flush), flush));
              }
            }
            for (; q < q1; q++) {
              const p = line + (<usize>(q * dw) << 2);
              store<f32>(p, fadd(load<f32>(p), fload(terms + (<usize>q << 2), flush), flush));
            }
          }
        }
      }
    }
  }
}

/**
 * Conv2D's forward pass for samples n0 .. n1 - 1, fused: what im2row, matmul (cols · Wᵀ,
 * op(B) packed row-major in `packed`) and transpose (+ bias) compute, a sample at a time
 * through `t`, scratch for one sample's [outH·outW, outmaps] products. The sample's rows of
 * cols (kept for the weights' gradient) are still in the L2 cache when the product reads them.
 */
export function convForward(x: usize, cols: usize, packed: usize, bias: usize, y: usize, t: usize, n0: i32, n1: i32,
  maps: i32, outmaps: i32, height: i32, width: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32,
  outH: i32, outW: i32): void {
  convForwardBody(x, cols, packed, bias, y, t, n0, n1, maps, outmaps, height, width, kh, kw, sh, sw, ph, pw, dh, dw,
    outH, outW, false);
}

/** convForward under subnormals "flush". */
export function convForwardFlush(x: usize, cols: usize, packed: usize, bias: usize, y: usize, t: usize, n0: i32, n1: i32,
  maps: i32, outmaps: i32, height: i32, width: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32,
  outH: i32, outW: i32): void {
  convForwardBody(x, cols, packed, bias, y, t, n0, n1, maps, outmaps, height, width, kh, kw, sh, sw, ph, pw, dh, dw,
    outH, outW, true);
}

@inline function convForwardBody(x: usize, cols: usize, packed: usize, bias: usize, y: usize, t: usize, n0: i32, n1: i32,
  maps: i32, outmaps: i32, height: i32, width: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32,
  outH: i32, outW: i32, flush: bool): void {
  const k = maps * kh * kw;
  const positions = outH * outW;
  for (let i = n0; i < n1; i++) {
    im2row(x, cols, i * positions, (i + 1) * positions, maps, height, width, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW);
    const rows = cols + (<usize>(i * positions) * <usize>k << 2);
    const out = y + (<usize>(i * outmaps * positions) << 2);
    if (flush) {
      matmulFlush(rows, packed, t, 0, positions, k, outmaps, k, 1, outmaps, 1, outmaps);
      transposeFlush(t, out, bias, 0, 1, positions, outmaps);
    } else {
      matmul(rows, packed, t, 0, positions, k, outmaps, k, 1, outmaps, 1, outmaps);
      transpose(t, out, bias, 0, 1, positions, outmaps);
    }
  }
}

/**
 * Conv2D's input gradient for samples n0 .. n1 - 1, fused: what matmul (dcols = dy·W) then
 * row2im compute, sample by sample through `terms`, scratch for one sample's dcols
 * transposed ([maps·kh·kw, outH·outW], each term summed over the output maps from +0 by
 * matmul as dcols would be). Each input position then takes its terms as row2im gathers
 * them: from +0, kernel row then kernel column ascending (a (kernel row, column) pair
 * reaches a position through one output at most), here one kernel offset's plane at a
 * time, a row of it four positions at once where the stride is 1. The scratch stays in
 * the L2 cache, where dcols for the whole batch (20 MB for the example's second
 * convolution) streamed through memory twice.
 */
export function convInputGrad(dy: usize, w: usize, dx: usize, terms: usize, n0: i32, n1: i32, maps: i32, outmaps: i32,
  height: i32, width: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, outH: i32, outW: i32): void {
  convInputGradBody(dy, w, dx, terms, n0, n1, maps, outmaps, height, width, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW, false);
}

/** convInputGrad under subnormals "flush". */
export function convInputGradFlush(dy: usize, w: usize, dx: usize, terms: usize, n0: i32, n1: i32, maps: i32, outmaps: i32,
  height: i32, width: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, outH: i32, outW: i32): void {
  convInputGradBody(dy, w, dx, terms, n0, n1, maps, outmaps, height, width, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW, true);
}

@inline function convInputGradBody(dy: usize, w: usize, dx: usize, terms: usize, n0: i32, n1: i32, maps: i32,
  outmaps: i32, height: i32, width: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32,
  outH: i32, outW: i32, flush: bool): void {
  const k = maps * kh * kw;
  const positions = outH * outW;
  const plane = height * width;
  for (let i = n0; i < n1; i++) {
    // terms[j][p] = sum over o of W[o][j] * dy[i][o][p]: op(A) is W transposed, op(B) the sample's dy.
    const sample = dy + (<usize>(i * outmaps * positions) << 2);
    if (flush) matmulFlush(w, sample, terms, 0, k, outmaps, positions, 1, k, positions, 1, positions);
    else matmul(w, sample, terms, 0, k, outmaps, positions, 1, k, positions, 1, positions);
    const image = dx + (<usize>(i * maps * plane) << 2);
    memory.fill(image, 0, <usize>(maps * plane) << 2);
    for (let c = 0; c < maps; c++) {
      const map = image + (<usize>(c * plane) << 2);
      for (let r = 0; r < kh; r++) {
        for (let q = 0; q < kw; q++) {
          const from = terms + (<usize>(((c * kh + r) * kw + q) * positions) << 2);
          // The outputs whose column reads inside the input through kernel column q.
          const ow0 = max(0, ceilDiv(pw - q * dw, sw));
          const ow1 = min(outW, ceilDiv(width + pw - q * dw, sw));
          if (ow0 >= ow1) continue;
          for (let oh = 0; oh < outH; oh++) {
            const h = source(oh, r, sh, ph, dh, height);
            if (h < 0) continue;
            const line = map + (<usize>(h * width + ow0 * sw - pw + q * dw) << 2);
            const src = from + (<usize>(oh * outW + ow0) << 2);
            const count = ow1 - ow0;
            let t = 0;
            if (ASC_FEATURE_SIMD && sw == 1) {
              for (; t + 4 <= count; t += 4) {
                const p = line + (<usize>t << 2);
                v128.store(p, vadd(v128.load(p), vload(src + (<usize>t << 2), flush), flush));
              }
            }
            for (; t < count; t++) {
              const p = line + (<usize>(t * sw) << 2);
              store<f32>(p, fadd(load<f32>(p), fload(src + (<usize>t << 2), flush), flush));
            }
          }
        }
      }
    }
  }
}

export function transpose(x: usize, y: usize, bias: usize, batch0: i32, batch1: i32, rows: i32, cols: i32): void {
  transposeBody(x, y, bias, batch0, batch1, rows, cols, false);
}

/** transpose under subnormals "flush". */
export function transposeFlush(x: usize, y: usize, bias: usize, batch0: i32, batch1: i32, rows: i32, cols: i32): void {
  transposeBody(x, y, bias, batch0, batch1, rows, cols, true);
}

/** Batches batch0 .. batch1 - 1; bias is 0 when there is none (a copy then). */
@inline function transposeBody(x: usize, y: usize, bias: usize, batch0: i32, batch1: i32, rows: i32, cols: i32,
  flush: bool): void {
  const rowBytes = <usize>cols << 2;
  const colBytes = <usize>rows << 2;
  for (let b = batch0; b < batch1; b++) {
    const base = <usize>(b * rows * cols);
    // Columns below j0 have their rows below rows4 done by the vector blocks.
    let j0 = 0;
    const rows4 = ASC_FEATURE_SIMD ? rows & ~3 : 0;
    if (ASC_FEATURE_SIMD) {
      // Blocks of 4 rows × 4 columns, transposed in registers (Conv2D's outputs and output
      // gradients: [positions, maps] per sample, the maps a multiple of 4).
      for (; j0 + 4 <= cols; j0 += 4) {
        const add = bias ? vload(bias + (<usize>j0 << 2), flush) : f32x4.splat(0);
        const a0 = f32x4.splat(f32x4.extract_lane(add, 0)), a1 = f32x4.splat(f32x4.extract_lane(add, 1));
        const a2 = f32x4.splat(f32x4.extract_lane(add, 2)), a3 = f32x4.splat(f32x4.extract_lane(add, 3));
        for (let i = 0; i < rows4; i += 4) {
          const src = x + ((base + <usize>(i * cols + j0)) << 2);
          const r0 = v128.load(src), r1 = v128.load(src + rowBytes);
          const r2 = v128.load(src + 2 * rowBytes), r3 = v128.load(src + 3 * rowBytes);
          const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
          const t2 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
          let c0 = v128.shuffle<i64>(t0, t1, 0, 2), c1 = v128.shuffle<i64>(t0, t1, 1, 3);
          let c2 = v128.shuffle<i64>(t2, t3, 0, 2), c3 = v128.shuffle<i64>(t2, t3, 1, 3);
          if (bias) {
            c0 = vadd(flv(c0, flush), a0, flush); c1 = vadd(flv(c1, flush), a1, flush);
            c2 = vadd(flv(c2, flush), a2, flush); c3 = vadd(flv(c3, flush), a3, flush);
          }
          const dst = y + ((base + <usize>(j0 * rows + i)) << 2);
          v128.store(dst, c0); v128.store(dst + colBytes, c1);
          v128.store(dst + 2 * colBytes, c2); v128.store(dst + 3 * colBytes, c3);
        }
      }
    }
    for (let j = 0; j < cols; j++) {
      const add = bias ? fload(bias + (<usize>j << 2), flush) : 0;
      for (let i = j < j0 ? rows4 : 0; i < rows; i++) {
        const v = load<f32>(x + ((base + <usize>(i * cols + j)) << 2));
        store<f32>(y + ((base + <usize>(j * rows + i)) << 2), bias ? fadd(fl(v, flush), add, flush) : v);
      }
    }
  }
}

// Pool modes, as src/devices/wasm/kernels.ts passes them.
const MAX = 0;
const AVG_NO_PAD = 2;

/**
 * The divisor of an average over a window whose inside spans kernel rows [r0, r1) and
 * columns [q0, q1): its size, or (avgNoPad) its cells inside the input.
 */
@inline function divisor(r0: i32, r1: i32, q0: i32, q1: i32, kh: i32, kw: i32, mode: i32): f32 {
  return <f32>(mode == AVG_NO_PAD ? max(0, r1 - r0) * max(0, q1 - q0) : kh * kw);
}

export function pool(x: usize, y: usize, indices: usize, map0: i32, map1: i32, height: i32, width: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, outH: i32, outW: i32, mode: i32): void {
  poolBody(x, y, indices, map0, map1, height, width, kh, kw, sh, sw, ph, pw, outH, outW, mode, false);
}

/** pool under subnormals "flush". */
export function poolFlush(x: usize, y: usize, indices: usize, map0: i32, map1: i32, height: i32, width: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, outH: i32, outW: i32, mode: i32): void {
  poolBody(x, y, indices, map0, map1, height, width, kh, kw, sh, sw, ph, pw, outH, outW, mode, true);
}

@inline function poolBody(x: usize, y: usize, indices: usize, map0: i32, map1: i32, height: i32, width: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, outH: i32, outW: i32, mode: i32, flush: bool): void {
  for (let m = map0; m < map1; m++) {
    const map = x + (<usize>(m * height * width) << 2);
    for (let oh = 0; oh < outH; oh++) {
      const r0 = firstInside(oh, sh, ph, 1);
      const r1 = endInside(oh, sh, ph, 1, height, kh);
      for (let ow = 0; ow < outW; ow++) {
        const q0 = firstInside(ow, sw, pw, 1);
        const q1 = endInside(ow, sw, pw, 1, width, kw);
        const out = <usize>((m * outH + oh) * outW + ow) << 2;
        if (mode == MAX) {
          // The first maximum in row-major order; a NaN wins and stays.
          let best: f32 = 0;
          let index = -1;
          for (let r = r0; r < r1; r++) {
            const h = oh * sh - ph + r;
            for (let q = q0; q < q1; q++) {
              const at = h * width + ow * sw - pw + q;
              const v = fload(map + (<usize>at << 2), flush);
              if (index < 0 || (best == best && (v != v || v > best))) {
                best = v;
                index = at;
              }
            }
          }
          store<f32>(y + out, best);
          store<f32>(indices + out, <f32>index);
        } else {
          let acc: f32 = 0;
          for (let r = r0; r < r1; r++) {
            const line = map + (<usize>((oh * sh - ph + r) * width + ow * sw - pw) << 2);
            for (let q = q0; q < q1; q++) acc = fadd(acc, fload(line + (<usize>q << 2), flush), flush);
          }
          store<f32>(y + out, fdiv(acc, divisor(r0, r1, q0, q1, kh, kw, mode), flush));
        }
      }
    }
  }
}

export function poolBackward(dy: usize, dx: usize, indices: usize, map0: i32, map1: i32, height: i32, width: i32, kh: i32,
  kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, outH: i32, outW: i32, mode: i32): void {
  poolBackwardBody(dy, dx, indices, map0, map1, height, width, kh, kw, sh, sw, ph, pw, outH, outW, mode, false);
}

/** poolBackward under subnormals "flush". */
export function poolBackwardFlush(dy: usize, dx: usize, indices: usize, map0: i32, map1: i32, height: i32, width: i32, kh: i32,
  kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, outH: i32, outW: i32, mode: i32): void {
  poolBackwardBody(dy, dx, indices, map0, map1, height, width, kh, kw, sh, sw, ph, pw, outH, outW, mode, true);
}

/** Maps map0 .. map1 - 1 of dx, scattered from the outputs, last first. */
@inline function poolBackwardBody(dy: usize, dx: usize, indices: usize, map0: i32, map1: i32, height: i32, width: i32, kh: i32,
  kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, outH: i32, outW: i32, mode: i32, flush: bool): void {
  const plane = height * width;
  memory.fill(dx + (<usize>(map0 * plane) << 2), 0, <usize>((map1 - map0) * plane) << 2);
  for (let m = map0; m < map1; m++) {
    const map = dx + (<usize>(m * plane) << 2);
    for (let oh = outH - 1; oh >= 0; oh--) {
      const r0 = firstInside(oh, sh, ph, 1);
      const r1 = endInside(oh, sh, ph, 1, height, kh);
      for (let ow = outW - 1; ow >= 0; ow--) {
        const out = <usize>((m * outH + oh) * outW + ow) << 2;
        if (mode == MAX) {
          const index = <i32>load<f32>(indices + out);
          if (index < 0) continue;
          const p = map + (<usize>index << 2);
          store<f32>(p, fadd(load<f32>(p), fload(dy + out, flush), flush));
          continue;
        }
        const q0 = firstInside(ow, sw, pw, 1);
        const q1 = endInside(ow, sw, pw, 1, width, kw);
        const term = fdiv(fload(dy + out, flush), divisor(r0, r1, q0, q1, kh, kw, mode), flush);
        for (let r = r0; r < r1; r++) {
          const line = map + (<usize>((oh * sh - ph + r) * width + ow * sw - pw) << 2);
          for (let q = q0; q < q1; q++) {
            const p = line + (<usize>q << 2);
            store<f32>(p, fadd(load<f32>(p), term, flush));
          }
        }
      }
    }
  }
}

// channelSums' sums, as src/devices/wasm/kernels.ts passes them.
const CENTERED_SQUARES = 1;
const NORMALIZED_PRODUCTS = 2;

export function channelSums(a: usize, b: usize, mean: usize, invStd: usize, out: usize, c0: i32, c1: i32, n: i32,
  channels: i32, positions: i32, sum: i32): void {
  channelSumsBody(a, b, mean, invStd, out, c0, c1, n, channels, positions, sum, false);
}

/** channelSums under subnormals "flush". */
export function channelSumsFlush(a: usize, b: usize, mean: usize, invStd: usize, out: usize, c0: i32, c1: i32, n: i32,
  channels: i32, positions: i32, sum: i32): void {
  channelSumsBody(a, b, mean, invStd, out, c0, c1, n, channels, positions, sum, true);
}

/** Channels c0 .. c1 - 1. */
@inline function channelSumsBody(a: usize, b: usize, mean: usize, invStd: usize, out: usize, c0: i32, c1: i32, n: i32,
  channels: i32, positions: i32, sum: i32, flush: bool): void {
  for (let c = c0; c < c1; c++) {
    const m = sum != 0 ? fload(mean + (<usize>c << 2), flush) : 0;
    const s = sum == NORMALIZED_PRODUCTS ? fload(invStd + (<usize>c << 2), flush) : 0;
    let acc: f32 = 0;
    for (let i = 0; i < n; i++) {
      const base = <usize>((i * channels + c) * positions) << 2;
      for (let q = 0; q < positions; q++) {
        const at = base + (<usize>q << 2);
        const v = fload(a + at, flush);
        let term = v;
        if (sum == CENTERED_SQUARES) {
          const d = fsub(v, m, flush);
          term = fmul(d, d, flush);
        } else if (sum == NORMALIZED_PRODUCTS) {
          term = fmul(fload(b + at, flush), fmul(fsub(v, m, flush), s, flush), flush);
        }
        acc = fadd(acc, term, flush);
      }
    }
    store<f32>(out + (<usize>c << 2), acc);
  }
}

export function batchNorm(x: usize, mean: usize, invStd: usize, scale: usize, bias: usize, y: usize, e0: i32, e1: i32,
  channels: i32, positions: i32): void {
  batchNormBody(x, mean, invStd, scale, bias, y, e0, e1, channels, positions, false);
}

/** batchNorm under subnormals "flush". */
export function batchNormFlush(x: usize, mean: usize, invStd: usize, scale: usize, bias: usize, y: usize, e0: i32, e1: i32,
  channels: i32, positions: i32): void {
  batchNormBody(x, mean, invStd, scale, bias, y, e0, e1, channels, positions, true);
}

/** Elements e0 .. e1 - 1. */
@inline function batchNormBody(x: usize, mean: usize, invStd: usize, scale: usize, bias: usize, y: usize, e0: i32, e1: i32,
  channels: i32, positions: i32, flush: bool): void {
  let e = e0;
  while (e < e1) {
    // The run of elements of one (sample, channel) from e.
    const c = <usize>((e / positions) % channels) << 2;
    const end = min(e1, (e / positions + 1) * positions);
    const m = fload(mean + c, flush);
    const is = fload(invStd + c, flush);
    const sc = fload(scale + c, flush);
    const b = fload(bias + c, flush);
    for (; e < end; e++) {
      const at = <usize>e << 2;
      const xhat = fmul(fsub(fload(x + at, flush), m, flush), is, flush);
      store<f32>(y + at, fadd(fmul(xhat, sc, flush), b, flush));
    }
  }
}

export function batchNormBackward(x: usize, dy: usize, mean: usize, invStd: usize, scale: usize, dscale: usize, dbias: usize,
  dx: usize, e0: i32, e1: i32, channels: i32, positions: i32, count: f32): void {
  batchNormBackwardBody(x, dy, mean, invStd, scale, dscale, dbias, dx, e0, e1, channels, positions, count, false);
}

/** batchNormBackward under subnormals "flush". */
export function batchNormBackwardFlush(x: usize, dy: usize, mean: usize, invStd: usize, scale: usize, dscale: usize,
  dbias: usize, dx: usize, e0: i32, e1: i32, channels: i32, positions: i32, count: f32): void {
  batchNormBackwardBody(x, dy, mean, invStd, scale, dscale, dbias, dx, e0, e1, channels, positions, count, true);
}

/** Elements e0 .. e1 - 1. */
@inline function batchNormBackwardBody(x: usize, dy: usize, mean: usize, invStd: usize, scale: usize, dscale: usize,
  dbias: usize, dx: usize, e0: i32, e1: i32, channels: i32, positions: i32, count: f32, flush: bool): void {
  let e = e0;
  while (e < e1) {
    // The run of elements of one (sample, channel) from e.
    const c = <usize>((e / positions) % channels) << 2;
    const end = min(e1, (e / positions + 1) * positions);
    const is = fload(invStd + c, flush);
    const m = fload(mean + c, flush);
    const meanDy = fdiv(fload(dbias + c, flush), count, flush);
    const meanDyXhat = fdiv(fload(dscale + c, flush), count, flush);
    const factor = fmul(fload(scale + c, flush), is, flush);
    for (; e < end; e++) {
      const at = <usize>e << 2;
      const xhat = fmul(fsub(fload(x + at, flush), m, flush), is, flush);
      const centered = fsub(fsub(fload(dy + at, flush), meanDy, flush), fmul(xhat, meanDyXhat, flush), flush);
      store<f32>(dx + at, fmul(centered, factor, flush));
    }
  }
}
