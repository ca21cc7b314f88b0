import { flv, fload, fadd, fmul, vload, vadd, vmul } from "./vocabulary";

/**
 * out[m×n] = op(A)[m×k] · op(B)[k×n] (+ bias[n]), with element (i, p) of op(A) at
 * a[i*aRow + p*aCol], element (p, j) of op(B) at b[p*bRow + j*bCol] and out[i][j] at
 * out[i*outRow + j] (strides in elements), so one kernel serves y = xW + b, dW = xᵀ·dy
 * and dx = dy·Wᵀ, and a range of out's columns (outRow > n) as well as its rows.
 *
 * Every out[i][j] is summed in one fixed order on every device: start at +0, add the
 * rounded products for p = 0, 1, ..., k-1, then add the bias. SIMD runs across j
 * (four outputs at once), which keeps that order per output.
 */
export function matmul(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k: i32, n: i32,
  aRow: i32, aCol: i32, bRow: i32, bCol: i32, outRow: i32
): void {
  body(a, b, out, bias, m, 0, k, n, aRow, aCol, bRow, bCol, outRow, false);
}

/** matmul under subnormals "flush". */
export function matmulFlush(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k: i32, n: i32,
  aRow: i32, aCol: i32, bRow: i32, bCol: i32, outRow: i32
): void {
  body(a, b, out, bias, m, 0, k, n, aRow, aCol, bRow, bCol, outRow, true);
}

/**
 * matmul() with a strided op(B) (dx = dy·Wᵀ) that first copies op(B) row-major to
 * `packed` (rows packedRow elements apart; see packB): a part of a product split by
 * columns copies the columns it multiplies, and finds them in its cache. The same bits.
 */
export function matmulPacked(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k: i32, n: i32,
  aRow: i32, aCol: i32, bRow: i32, bCol: i32, outRow: i32, packed: usize, packedRow: i32
): void {
  packThenBody(a, b, out, bias, m, k, n, aRow, aCol, bRow, bCol, outRow, packed, packedRow, false);
}

/** matmulPacked under subnormals "flush". */
export function matmulPackedFlush(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k: i32, n: i32,
  aRow: i32, aCol: i32, bRow: i32, bCol: i32, outRow: i32, packed: usize, packedRow: i32
): void {
  packThenBody(a, b, out, bias, m, k, n, aRow, aCol, bRow, bCol, outRow, packed, packedRow, true);
}

@inline function packThenBody(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k: i32, n: i32,
  aRow: i32, aCol: i32, bRow: i32, bCol: i32, outRow: i32, packed: usize, packedRow: i32, flush: bool
): void {
  packB(b, packed, k, n, bRow, bCol, packedRow);
  body(a, packed, out, bias, m, 0, k, n, aRow, aCol, packedRow, 1, outRow, flush);
}

/** Terms per pass over out when k is long: a pass's rows of op(A) and op(B) stay in the L2 cache. */
const K_CHUNK = 256;

/**
 * Terms p in [k0, k1) of every out[i][j]: from +0 where k0 is 0, else from what out holds
 * (the sum of the terms before k0, stored by an earlier call), adding the bias (if any)
 * after the last term. Calls for consecutive ranges, one after the other, store the bits of
 * one call for the whole range.
 */
@inline function body(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k0: i32, k1: i32, n: i32,
  aRow: i32, aCol: i32, bRow: i32, bCol: i32, outRow: i32, flush: bool
): void {
  const blocked = ASC_FEATURE_SIMD && bCol == 1 ? m & ~3 : 0;
  if (blocked > 0) {
    // A long k (Conv2D's weight gradient sums over every output position: k = N·outH·outW)
    // runs in passes of K_CHUNK terms over all the blocks; each pass starts each output
    // from what the previous one stored, so its terms are still added p = 0, 1, ..., k-1.
    const chunk = k1 - k0 > 2 * K_CHUNK ? K_CHUNK : k1 - k0;
    let p0 = k0;
    do {
      const kc = min(chunk, k1 - p0);
      const first = p0 == 0;
      const add = p0 + kc == k1 ? bias : 0;
      const pa = a + ((<usize>p0 * <usize>aCol) << 2);
      const pb = b + ((<usize>p0 * <usize>bRow) << 2);
      for (let i = 0; i < blocked; i += 4) {
        let j = 0;
        for (; j + 8 <= n; j += 8) block4x8(pa, pb, out, add, i, j, kc, outRow, aRow, aCol, bRow, first, flush);
        if (j + 4 <= n) {
          block4x4(pa, pb, out, add, i, j, kc, outRow, aRow, aCol, bRow, first, flush);
          j += 4;
        }
        for (; j < n; j++) column4(pa, pb, out, add, i, j, kc, outRow, aRow, aCol, bRow, first, flush);
      }
      p0 += kc;
    } while (p0 < k1);
  }
  rowsTail(a, b, out, bias, blocked, m, 0, k0, k1, n, aRow, aCol, bRow, bCol, outRow, flush);
}

/** Spins of matmulShare() on a flag before it gives up (traps): seconds, far beyond any wait of a live thread. */
const SPIN_LIMIT: u32 = 1 << 31;

/**
 * Thread t's share (of T) of a product split along k (out = op(A)·op(B) + bias): terms
 * [k0, k1) of every output, a block of `blockCols` columns at a time. A block's stages
 * run in order: before stage t of a block, its flag (an i32 at flags + 4·block) reads
 * base + t, set by stage t - 1 (stage 0 waits for nothing); after it, the flag reads
 * base + t + 1. So every output still adds its terms p = 0, 1, ..., k-1 in order (bias
 * last), the bits of matmul(), and each thread reads its rows [k0, k1) of op(B): the rows
 * of W whose update it runs.
 *
 * The first and the last stage (terms [0, kFirst) and [kLast, k)) go to whichever thread
 * is free, through two claim words at `claims` (the last stage's, then the first's; an i32
 * each, the next block from the front in the low 16 bits, the end of the unclaimed ones in
 * the high 16): the first share takes first stages from the front; the second, while the
 * block it waits for is not ready, takes first stages from the back; the last share takes
 * last stages from the front; the share before it, once done with its blocks, last stages
 * from the back. So no thread waits long for another, a busy core's thread included.
 */
export function matmulShare(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k0: i32, k1: i32, n: i32, aRow: i32, aCol: i32, bRow: i32,
  bCol: i32, outRow: i32, flags: usize, blockCols: i32, base: i32, t: i32, T: i32, claims: usize, kFirst: i32,
  kLast: i32, k: i32
): void {
  share(a, b, out, bias, m, k0, k1, n, aRow, aCol, bRow, bCol, outRow, flags, blockCols, base, t, T, claims, kFirst,
    kLast, k, false);
}

/** matmulShare under subnormals "flush". */
export function matmulShareFlush(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k0: i32, k1: i32, n: i32, aRow: i32, aCol: i32, bRow: i32,
  bCol: i32, outRow: i32, flags: usize, blockCols: i32, base: i32, t: i32, T: i32, claims: usize, kFirst: i32,
  kLast: i32, k: i32
): void {
  share(a, b, out, bias, m, k0, k1, n, aRow, aCol, bRow, bCol, outRow, flags, blockCols, base, t, T, claims, kFirst,
    kLast, k, true);
}

@inline function share(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k0: i32, k1: i32, n: i32, aRow: i32, aCol: i32, bRow: i32,
  bCol: i32, outRow: i32, flags: usize, blockCols: i32, base: i32, t: i32, T: i32, claims: usize, kFirst: i32,
  kLast: i32, k: i32, flush: bool
): void {
  const firstClaims = claims + 4;
  const last = t == T - 1;
  if (t == 0 && !last) {
    for (let block = claim(firstClaims, false); block >= 0; block = claim(firstClaims, false)) {
      stage(a, b, out, 0, m, 0, kFirst, n, aRow, aCol, bRow, bCol, outRow, flags, blockCols, block, base + 1, flush);
    }
  } else if (!last) {
    for (let block = 0; block * blockCols < n; block++) {
      waitFor(a, b, out, m, n, aRow, aCol, bRow, bCol, outRow, flags, blockCols, block, base + t, t == 1 ? firstClaims : 0,
        kFirst, base + 1, flush);
      stage(a, b, out, 0, m, k0, k1, n, aRow, aCol, bRow, bCol, outRow, flags, blockCols, block, base + t + 1, flush);
    }
  }
  if (!last && t != T - 2) return;
  for (let block = claim(claims, !last); block >= 0; block = claim(claims, !last)) {
    if (T > 1) {
      waitFor(a, b, out, m, n, aRow, aCol, bRow, bCol, outRow, flags, blockCols, block, base + T - 1,
        last && t == 1 ? firstClaims : 0, kFirst, base + 1, flush);
    }
    stage(a, b, out, bias, m, kLast, k, n, aRow, aCol, bRow, bCol, outRow, flags, blockCols, block, base + T, flush);
  }
}

/** Claims a block from the front (or the back) of the claim word at `word`; -1 when none is left. */
@inline function claim(word: usize, fromBack: bool): i32 {
  let c: i32, front: i32, back: i32;
  do {
    c = atomic.load<i32>(word);
    front = c & 0xffff;
    back = c >>> 16;
    if (front >= back) return -1;
  } while (atomic.cmpxchg<i32>(word, c, fromBack ? c - 0x10000 : c + 1) != c);
  return fromBack ? back - 1 : front;
}

/**
 * Waits until block `block`'s flag reads `value`; meanwhile, where `firstClaims` is
 * given, runs the first stage (terms [0, kFirst), then the flag set to `firstDone`) of
 * blocks claimed from its back.
 */
@inline function waitFor(
  a: usize, b: usize, out: usize, m: i32, n: i32, aRow: i32, aCol: i32, bRow: i32, bCol: i32, outRow: i32, flags: usize,
  blockCols: i32, block: i32, value: i32, firstClaims: usize, kFirst: i32, firstDone: i32, flush: bool
): void {
  const flag = flags + (<usize>block << 2);
  let spins: u32 = 0;
  while (atomic.load<i32>(flag) != value) {
    const stolen = firstClaims ? claim(firstClaims, true) : -1;
    if (stolen >= 0) {
      stage(a, b, out, 0, m, 0, kFirst, n, aRow, aCol, bRow, bCol, outRow, flags, blockCols, stolen, firstDone, flush);
    } else if (++spins == SPIN_LIMIT) unreachable();
  }
}

/** Terms [k0, k1) of block `block`'s columns (bias after the last, if given), then its flag set to `setTo`. */
@inline function stage(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k0: i32, k1: i32, n: i32, aRow: i32, aCol: i32, bRow: i32,
  bCol: i32, outRow: i32, flags: usize, blockCols: i32, block: i32, setTo: i32, flush: bool
): void {
  const j0 = block * blockCols;
  const offset = <usize>j0 << 2;
  const columns = b + ((<usize>j0 * <usize>bCol) << 2);
  const cols = min(blockCols, n - j0);
  if (flush) {
    blockFlush(a, columns, out + offset, bias ? bias + offset : 0, m, k0, k1, cols, aRow, aCol, bRow, bCol, outRow);
  } else {
    blockKeep(a, columns, out + offset, bias ? bias + offset : 0, m, k0, k1, cols, aRow, aCol, bRow, bCol, outRow);
  }
  atomic.store<i32>(flags + (<usize>block << 2), setTo);
}

// body() once per subnormal mode for the stages of matmulShare.
function blockKeep(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k0: i32, k1: i32, n: i32, aRow: i32, aCol: i32, bRow: i32,
  bCol: i32, outRow: i32
): void {
  body(a, b, out, bias, m, k0, k1, n, aRow, aCol, bRow, bCol, outRow, false);
}

function blockFlush(
  a: usize, b: usize, out: usize, bias: usize, m: i32, k0: i32, k1: i32, n: i32, aRow: i32, aCol: i32, bRow: i32,
  bCol: i32, outRow: i32
): void {
  body(a, b, out, bias, m, k0, k1, n, aRow, aCol, bRow, bCol, outRow, true);
}

/**
 * Rows i..i+3, columns j..j+7 of out: eight accumulators in registers, so that each
 * vector of B loaded serves four rows and each A element splatted serves two vectors.
 */
@inline function block4x8(
  a: usize, b: usize, out: usize, bias: usize, i: i32, j: i32, k: i32, outRow: i32,
  aRow: i32, aCol: i32, bRow: i32, first: bool, flush: bool
): void {
  const rowBytes = <usize>outRow << 2;
  const o = out + ((<usize>i * <usize>outRow + <usize>j) << 2);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (!first) {
    c00 = v128.load(o); c01 = v128.load(o, 16);
    c10 = v128.load(o + rowBytes); c11 = v128.load(o + rowBytes, 16);
    c20 = v128.load(o + 2 * rowBytes); c21 = v128.load(o + 2 * rowBytes, 16);
    c30 = v128.load(o + 3 * rowBytes); c31 = v128.load(o + 3 * rowBytes, 16);
  }
  const rowStep = <usize>aRow << 2;
  const colStep = <usize>aCol << 2;
  const bStep = <usize>bRow << 2;
  let pa = a + ((<usize>i * <usize>aRow) << 2);
  let pb = b + (<usize>j << 2);
  for (let p = 0; p < k; p++) {
    const b0 = vload(pb, flush);
    const b1 = vload(pb + 16, flush);
    let x = flv(v128.load32_splat(pa), flush);
    c00 = vadd(c00, vmul(x, b0, flush), flush);
    c01 = vadd(c01, vmul(x, b1, flush), flush);
    x = flv(v128.load32_splat(pa + rowStep), flush);
    c10 = vadd(c10, vmul(x, b0, flush), flush);
    c11 = vadd(c11, vmul(x, b1, flush), flush);
    x = flv(v128.load32_splat(pa + 2 * rowStep), flush);
    c20 = vadd(c20, vmul(x, b0, flush), flush);
    c21 = vadd(c21, vmul(x, b1, flush), flush);
    x = flv(v128.load32_splat(pa + 3 * rowStep), flush);
    c30 = vadd(c30, vmul(x, b0, flush), flush);
    c31 = vadd(c31, vmul(x, b1, flush), flush);
    pa += colStep;
    pb += bStep;
  }
  if (bias) {
    const bias0 = vload(bias + (<usize>j << 2), flush);
    const bias1 = vload(bias + (<usize>j << 2) + 16, flush);
    c00 = vadd(c00, bias0, flush); c01 = vadd(c01, bias1, flush);
    c10 = vadd(c10, bias0, flush); c11 = vadd(c11, bias1, flush);
    c20 = vadd(c20, bias0, flush); c21 = vadd(c21, bias1, flush);
    c30 = vadd(c30, bias0, flush); c31 = vadd(c31, bias1, flush);
  }
  v128.store(o, c00); v128.store(o, c01, 16);
  v128.store(o + rowBytes, c10); v128.store(o + rowBytes, c11, 16);
  v128.store(o + 2 * rowBytes, c20); v128.store(o + 2 * rowBytes, c21, 16);
  v128.store(o + 3 * rowBytes, c30); v128.store(o + 3 * rowBytes, c31, 16);
}

/** Rows i..i+3, columns j..j+3 of out: block4x8 with one vector of columns. */
@inline function block4x4(
  a: usize, b: usize, out: usize, bias: usize, i: i32, j: i32, k: i32, outRow: i32,
  aRow: i32, aCol: i32, bRow: i32, first: bool, flush: bool
): void {
  const rowBytes = <usize>outRow << 2;
  const o = out + ((<usize>i * <usize>outRow + <usize>j) << 2);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  if (!first) {
    c0 = v128.load(o); c1 = v128.load(o + rowBytes); c2 = v128.load(o + 2 * rowBytes); c3 = v128.load(o + 3 * rowBytes);
  }
  const rowStep = <usize>aRow << 2;
  const colStep = <usize>aCol << 2;
  const bStep = <usize>bRow << 2;
  let pa = a + ((<usize>i * <usize>aRow) << 2);
  let pb = b + (<usize>j << 2);
  for (let p = 0; p < k; p++) {
    const b0 = vload(pb, flush);
    c0 = vadd(c0, vmul(flv(v128.load32_splat(pa), flush), b0, flush), flush);
    c1 = vadd(c1, vmul(flv(v128.load32_splat(pa + rowStep), flush), b0, flush), flush);
    c2 = vadd(c2, vmul(flv(v128.load32_splat(pa + 2 * rowStep), flush), b0, flush), flush);
    c3 = vadd(c3, vmul(flv(v128.load32_splat(pa + 3 * rowStep), flush), b0, flush), flush);
    pa += colStep;
    pb += bStep;
  }
  if (bias) {
    const bias0 = vload(bias + (<usize>j << 2), flush);
    c0 = vadd(c0, bias0, flush); c1 = vadd(c1, bias0, flush);
    c2 = vadd(c2, bias0, flush); c3 = vadd(c3, bias0, flush);
  }
  v128.store(o, c0);
  v128.store(o + rowBytes, c1);
  v128.store(o + 2 * rowBytes, c2);
  v128.store(o + 3 * rowBytes, c3);
}

/**
 * Rows i..i+3 of column j (fewer than four columns left): the four rows' outputs in
 * the lanes of one vector, each step multiplying A's column (one load where op(A) is
 * transposed, four otherwise) by one element of B.
 */
@inline function column4(
  a: usize, b: usize, out: usize, bias: usize, i: i32, j: i32, k: i32, outRow: i32,
  aRow: i32, aCol: i32, bRow: i32, first: bool, flush: bool
): void {
  const rowBytes = <usize>outRow << 2;
  const o = out + ((<usize>i * <usize>outRow + <usize>j) << 2);
  let acc = f32x4.splat(0);
  if (!first) {
    acc = v128.load32_lane(o, acc, 0);
    acc = v128.load32_lane(o + rowBytes, acc, 1);
    acc = v128.load32_lane(o + 2 * rowBytes, acc, 2);
    acc = v128.load32_lane(o + 3 * rowBytes, acc, 3);
  }
  const rowStep = <usize>aRow << 2;
  const colStep = <usize>aCol << 2;
  const bStep = <usize>bRow << 2;
  let pa = a + ((<usize>i * <usize>aRow) << 2);
  let pb = b + (<usize>j << 2);
  for (let p = 0; p < k; p++) {
    let av: v128;
    if (aRow == 1) {
      av = v128.load(pa);
    } else {
      av = v128.load32_splat(pa);
      av = v128.load32_lane(pa + rowStep, av, 1);
      av = v128.load32_lane(pa + 2 * rowStep, av, 2);
      av = v128.load32_lane(pa + 3 * rowStep, av, 3);
    }
    acc = vadd(acc, vmul(flv(av, flush), flv(v128.load32_splat(pb), flush), flush), flush);
    pa += colStep;
    pb += bStep;
  }
  if (bias) acc = vadd(acc, flv(v128.load32_splat(bias + (<usize>j << 2)), flush), flush);
  v128.store32_lane(o, acc, 0);
  v128.store32_lane(o + rowBytes, acc, 1);
  v128.store32_lane(o + 2 * rowBytes, acc, 2);
  v128.store32_lane(o + 3 * rowBytes, acc, 3);
}

/**
 * Rows [i0, i1) of out from column j0 on, a row at a time: the edges of the blocks. Terms
 * [k0, k1), from what out holds where k0 > 0 (as body()).
 */
@inline function rowsTail(
  a: usize, b: usize, out: usize, bias: usize, i0: i32, i1: i32, j0: i32, k0: i32, k1: i32, n: i32,
  aRow: i32, aCol: i32, bRow: i32, bCol: i32, outRow: i32, flush: bool
): void {
  for (let i = i0; i < i1; i++) {
    const row = out + ((<usize>i * <usize>outRow) << 2);
    let j = j0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= n; j += 4) {
        let acc = k0 == 0 ? f32x4.splat(0) : v128.load(row + (<usize>j << 2));
        for (let p = k0; p < k1; p++) {
          const av = f32x4.splat(fload(a + ((<usize>(i * aRow + p * aCol)) << 2), flush));
          const base = b + ((<usize>(p * bRow + j * bCol)) << 2);
          let bv: v128;
          if (bCol == 1) {
            bv = vload(base, flush);
          } else {
            // op(B) is transposed here: gather the four strided elements.
            const step = <usize>bCol << 2;
            bv = f32x4.splat(load<f32>(base));
            bv = f32x4.replace_lane(bv, 1, load<f32>(base + step));
            bv = f32x4.replace_lane(bv, 2, load<f32>(base + 2 * step));
            bv = flv(f32x4.replace_lane(bv, 3, load<f32>(base + 3 * step)), flush);
          }
          acc = vadd(acc, vmul(av, bv, flush), flush);
        }
        if (bias) acc = vadd(acc, vload(bias + (<usize>j << 2), flush), flush);
        v128.store(row + (<usize>j << 2), acc);
      }
    }
    for (; j < n; j++) {
      let acc: f32 = k0 == 0 ? 0 : load<f32>(row + (<usize>j << 2));
      for (let p = k0; p < k1; p++) {
        acc = fadd(acc, fmul(fload(a + ((<usize>(i * aRow + p * aCol)) << 2), flush),
          fload(b + ((<usize>(p * bRow + j * bCol)) << 2), flush), flush), flush);
      }
      if (bias) acc = fadd(acc, fload(bias + (<usize>j << 2), flush), flush);
      store<f32>(row + (<usize>j << 2), acc);
    }
  }
}

/**
 * dst[p*dstRow + j] = b[p*bRow + j*bCol] for p < k, j < n: op(B) copied row-major, so that
 * a product with a strided op(B) (dx = dy·Wᵀ) runs the blocked kernel. A copy: exact.
 */
export function packB(b: usize, dst: usize, k: i32, n: i32, bRow: i32, bCol: i32, dstRow: i32): void {
  let p = 0;
  if (ASC_FEATURE_SIMD && bRow == 1) {
    // op(B) = Wᵀ: four rows of W (four columns j of op(B)) at a time, sixteen elements of
    // each (a cache line) read and transposed in registers, so that every line of W is
    // read once (four elements of each, down all the rows, would read each line four
    // times, the rows 2 KB apart evicting each other from the L1 cache); the rows of op(B)
    // left over, four at a time, then one at a time.
    const colBytes = <usize>bCol << 2;
    const rowBytes = <usize>dstRow << 2;
    for (let span = 16; span >= 4; span -= 12) {
      for (; p + span <= k; p += span) {
        let j = 0;
        for (; j + 4 <= n; j += 4) {
          const src = b + ((<usize>p + <usize>j * <usize>bCol) << 2);
          const o = dst + ((<usize>p * <usize>dstRow + <usize>j) << 2);
          for (let q = 0; q < span; q += 4) transpose4(src + (<usize>q << 2), colBytes, o + <usize>q * rowBytes, rowBytes);
        }
        packRows(b, dst, p, p + span, j, n, bRow, bCol, dstRow);
      }
    }
  }
  packRows(b, dst, p, k, 0, n, bRow, bCol, dstRow);
}

/** The 4×4 block at `src` (rows `srcBytes` apart) transposed to `dst` (rows `dstBytes` apart). */
@inline function transpose4(src: usize, srcBytes: usize, dst: usize, dstBytes: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + srcBytes);
  const r2 = v128.load(src + 2 * srcBytes);
  const r3 = v128.load(src + 3 * srcBytes);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + dstBytes, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * dstBytes, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstBytes, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/** packB for rows [p0, p1) of op(B) from column j0 on, an element at a time. */
@inline function packRows(b: usize, dst: usize, p0: i32, p1: i32, j0: i32, n: i32, bRow: i32, bCol: i32, dstRow: i32): void {
  for (let p = p0; p < p1; p++) {
    for (let j = j0; j < n; j++) {
      store<f32>(dst + ((<usize>p * <usize>dstRow + <usize>j) << 2), load<f32>(b + ((<usize>p * <usize>bRow + <usize>j * <usize>bCol) << 2)));
    }
  }
}
