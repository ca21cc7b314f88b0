import type { DeviceArray } from "./DeviceArray.js";
import type { ElementwiseName } from "../kernels/index.js";
import { KernelUnavailableError, describe } from "../errors.js";

/**
 * The devices: `webgpu` (WGSL compute passes), `webgl2` (WebGL2 fragment passes),
 * `wasm-simd` and `wasm` (WebAssembly with and without 128-bit SIMD), `js` (the float32 reference).
 */
export type DeviceName = "webgpu" | "webgl2" | "wasm-simd" | "wasm" | "js";

/**
 * How a device's arithmetic treats subnormal floats (|x| < 2^-126): "keep" is IEEE-754
 * (the CPU devices; GPUs that flush differ below 2^-126), "flush" makes every
 * operation on every device treat subnormal operands as zero and flush subnormal
 * results to a zero of their sign, so that GPUs that flush and GPUs that do not agree.
 */
export type SubnormalMode = "keep" | "flush";

/**
 * How the webgl2 device writes its arithmetic: "strict" (default) pins every rounding
 * and corrects division and square root, so that any conforming shader compiler gives
 * the js reference's bits; "fast" leaves the arithmetic to the compiler (faster on
 * CPU rasterizers, and bit-identical only where the compiler rewrites nothing). The
 * CPU devices are always exact.
 */
export type Precision = "strict" | "fast";

/**
 * out[m×n] = op(A)[m×k] · op(B)[k×n]: element (i, p) of op(A) is at
 * a[i*aRow + p*aCol], element (p, j) of op(B) at b[p*bRow + j*bCol].
 */
export interface MatmulShape {
  m: number;
  k: number;
  n: number;
  aRow: number;
  aCol: number;
  bRow: number;
  bCol: number;
}

/** Storage owned by a device: a texture, a range of WASM memory or a Float32Array. */
export interface DeviceBuffer {
  readonly size: number;
  disposed: boolean;
}

/**
 * A run of elements [the previous run's end, end) of one elementwise kernel call with
 * its own scalars (float32, in the definition's order): how one call over global state
 * honours each variable's learnRate and momRate multipliers.
 */
export interface Run {
  readonly end: number;
  readonly scalars: readonly number[];
}

/**
 * The layout of an array that holds matrices end to end (the optimizer's parameters,
 * gradients and state): consecutive segments [the previous segment's end, end), each a
 * matrix of `rows` rows, covering the array. A device that splits elementwise work
 * between threads may split each segment by whole rows, so that a thread updates the
 * rows of a weight that its share of the products reads (the wasm devices); no result
 * depends on it.
 */
export type Segments = readonly { readonly end: number; readonly rows: number }[];

/**
 * An elementwise kernel on one device, rendered from its definition (src/kernels/):
 * `arrays` by the definition's names, all of one size; `runs` cover them in order;
 * `segments`, where given, their layout.
 */
export type ElementwiseKernel = (arrays: Readonly<Record<string, DeviceArray>>, runs: readonly Run[],
  segments?: Segments) => void;

/**
 * The rows of softmax over axis 1 of an [n, classes, positions...] array, positions the
 * product of the trailing dimensions (1 for [n, classes]): row (i, q) holds the elements
 * i*classes*positions + j*positions + q for j = 0 .. classes - 1.
 */
export interface RowShape {
  n: number;
  classes: number;
  positions: number;
}

/** The parameters of one dropout() call: see src/kernels/random.ts. */
export interface DropoutDraw {
  /** The index of x's first element in the counter (views of a larger call start past 0). */
  first: number;
  key0: number;
  key1: number;
  /** Elements whose 24-bit draw is below this are kept: round((1 - p) * 2^24). */
  threshold: number;
  /** 1 - p as a float32: kept elements are divided by it. */
  keep: number;
}

/**
 * A sliding window over [n, maps, height, width] arrays (NCHW), as Conv2D and the pools
 * use it: output (oh, ow) covers input rows oh*strideH - padH + r*dilationH for kernel
 * rows r = 0 .. kernelH - 1, and columns alike; cells outside the input are padding.
 */
export interface WindowShape {
  n: number;
  maps: number;
  height: number;
  width: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
  outH: number;
  outW: number;
}

/** How pool() combines a window: its first maximum, or its sum divided by the window's size (with or without padding). */
export type PoolMode = "max" | "avgWithPad" | "avgNoPad";

/**
 * The elements of an [n, channels, positions] array by channel (BatchNorm2D's layout,
 * positions = height * width): element (i, c, q) at (i*channels + c)*positions + q.
 */
export interface ChannelShape {
  n: number;
  channels: number;
  positions: number;
}

/**
 * What channelSums() adds per channel c, over i = 0 .. n - 1 then q = 0 .. positions - 1
 * from +0: "sum", a; "centeredSquares", (a - mean_c)^2; "normalizedProducts",
 * b * ((a - mean_c) * invStd_c).
 */
export type ChannelSum = "sum" | "centeredSquares" | "normalizedProducts";

/** The kernels written by hand per device: products and reductions, whose blocking is the device's own. */
export interface HandWrittenKernels {
  matmul(a: DeviceArray, b: DeviceArray, out: DeviceArray, bias: DeviceArray | null, shape: MatmulShape): void;
  /** out[j] = a[0][j] + a[1][j] + ..., from +0 in row order. */
  columnSums(a: DeviceArray, out: DeviceArray, rows: number, cols: number): void;
  /** PuzzleLib's MSE error, sum((pred - target)^2) / (2 * size), summed from +0 in element order, into out[0]. */
  mseError(pred: DeviceArray, target: DeviceArray, out: DeviceArray): void;
  /** How many elements are NaN or ±Infinity (devices with guardedStep count on the device instead); `segments`: a's layout. */
  countNonFinite(a: DeviceArray, segments?: Segments): number;
  /**
   * y = softmax of each row of x (see RowShape): with m the row's largest element
   * (Math.max's rule: NaN if any is NaN) and s = e^(x_0 - m) + e^(x_1 - m) + ... summed
   * from +0 in class order, y_j = e^(x_j - m) / s, e^ being src/kernels/math.ts's exp.
   */
  softmax(x: DeviceArray, y: DeviceArray, shape: RowShape): void;
  /**
   * Softmax cross-entropy of each row of `scores` against its label (one float holding
   * a class index per row, checked by the caller), with m, s and y as in softmax():
   * grad_j = (y_j - (j == label ? 1 : 0)) [* weights_j] / n, and the row's loss
   * losses[row] = (log(s) - (x_label - m)) [* weights_label], with log from
   * src/kernels/math.ts; the bracketed products only when `weights` is given.
   */
  crossEntropy(scores: DeviceArray, labels: DeviceArray, weights: DeviceArray | null, grad: DeviceArray,
    losses: DeviceArray, shape: RowShape): void;
  /**
   * Dropout's mask, drawn on the device: y_i = x_i / keep where draw(first + i, key0,
   * key1) < threshold, else +0, with draw() the counter-based hash of src/kernels/random.ts.
   */
  dropout(x: DeviceArray, y: DeviceArray, draw: DropoutDraw): void;
  /**
   * The fingerprint's chunk hashes of a's bits (src/kernels/fingerprint.ts): four floats
   * per chunk into `out`, which has fingerprintFloats(a.size) elements at an offset that
   * is a multiple of 4.
   */
  fingerprint(a: DeviceArray, out: DeviceArray): void;
  /**
   * Conv2D's patches as rows: cols[(i*outH + oh)*outW + ow][(c*kernelH + r)*kernelW + s] =
   * x[i][c][oh*strideH - padH + r*dilationH][ow*strideW - padW + s*dilationW], +0 in the padding.
   */
  im2row(x: DeviceArray, cols: DeviceArray, shape: WindowShape): void;
  /**
   * The inverse's sum: x[i][c][h][w] = the cols entries im2row() would copy from there,
   * summed from +0 over kernel positions (r, s) in row-major order.
   */
  row2im(cols: DeviceArray, x: DeviceArray, shape: WindowShape): void;
  /**
   * Optional, where a device fuses them: Conv2D's forward pass, exactly what im2row(x, cols),
   * matmul(cols, Wᵀ, t) and transpose(t, y, bias) give (W [outmaps, maps·kernelH·kernelW],
   * y [n, outmaps, outH, outW]); cols is written as im2row writes it. Devices without it get
   * the three calls.
   */
  convForward?(x: DeviceArray, W: DeviceArray, bias: DeviceArray | null, cols: DeviceArray, y: DeviceArray, outmaps: number,
    shape: WindowShape): void;
  /**
   * Optional, where a device fuses them: Conv2D's input gradient, exactly what
   * matmul(dyT, W, dcols) then row2im(dcols, dx) give (dy of shape [n, outmaps, outH, outW],
   * dyT its [n·outH·outW, outmaps] transpose, W [outmaps, maps·kernelH·kernelW]), without
   * dcols. Devices without it get the two calls.
   */
  convInputGrad?(dy: DeviceArray, W: DeviceArray, dx: DeviceArray, outmaps: number, shape: WindowShape): void;
  /** y[b][j][i] = x[b][i][j] (+ bias[j]) for x of shape [batches, rows, cols]. */
  transpose(x: DeviceArray, y: DeviceArray, bias: DeviceArray | null, batches: number, rows: number, cols: number): void;
  /**
   * Each window's first maximum (padding excluded; the first NaN if there is one, else
   * the first of equal largest values in row-major window order), its index h*width + w
   * within its map into `indices`; or its sum from +0 in row-major order divided by
   * kernelH*kernelW ("avgWithPad") or by the count of its cells inside the input ("avgNoPad").
   */
  pool(x: DeviceArray, y: DeviceArray, indices: DeviceArray | null, shape: WindowShape, mode: PoolMode): void;
  /**
   * dx[i][c][h][w] = the sum from +0, over kernel positions (r, s) in row-major order
   * whose window contains (h, w), of dy ("max": where that window's index is h*width + w)
   * or of dy divided by the window's divisor (the averages).
   */
  poolBackward(dy: DeviceArray, dx: DeviceArray, indices: DeviceArray | null, shape: WindowShape, mode: PoolMode): void;
  /** out[c] = the ChannelSum `sum` over channel c of a (b, mean, invStd as it needs them, else null). */
  channelSums(a: DeviceArray, b: DeviceArray | null, mean: DeviceArray | null, invStd: DeviceArray | null, out: DeviceArray,
    shape: ChannelShape, sum: ChannelSum): void;
  /** BatchNorm2D's forward per element: y = ((x - mean_c) * invStd_c) * scale_c + bias_c. */
  batchNorm(x: DeviceArray, mean: DeviceArray, invStd: DeviceArray, scale: DeviceArray, bias: DeviceArray, y: DeviceArray,
    shape: ChannelShape): void;
  /**
   * BatchNorm2D's input gradient per element, with xhat = (x - mean_c) * invStd_c and
   * count = n * positions as a float32: dx = ((dy - dbias_c / count) - xhat * (dscale_c / count)) * (scale_c * invStd_c).
   */
  batchNormBackward(x: DeviceArray, dy: DeviceArray, mean: DeviceArray, invStd: DeviceArray, scale: DeviceArray,
    dscale: DeviceArray, dbias: DeviceArray, dx: DeviceArray, shape: ChannelShape): void;
  /** a[i] = value; `segments`: a's layout. */
  fill(a: DeviceArray, value: number, segments?: Segments): void;
  copy(src: DeviceArray, dst: DeviceArray): void;
}

/** A device's kernels by op name: the hand-written ones and every elementwise definition. */
export type KernelTable = HandWrittenKernels & { readonly [K in ElementwiseName]: ElementwiseKernel };
export type KernelName = keyof KernelTable;

/**
 * What every device implements: memory, moving values in and out, and a table of
 * kernels by name. Arguments arrive validated (same device, alive, matching sizes): the
 * layers above check once, devices only compute. Every kernel follows the float32
 * operation order of the `js` reference exactly.
 */
export interface Device {
  /** Which device this is. */
  readonly name: DeviceName;
  /** The subnormal rule this device instance follows (see init({ subnormals })). */
  readonly subnormals: SubnormalMode;
  /** Threads that run this device's kernels: see init({ threads }) for wasm-simd and wasm; 1 on js, webgl2 and webgpu. */
  readonly threads: number;
  /**
   * True on devices that read values back only asynchronously (webgpu): there, get() throws
   * a SyncReadError and read() is the way out; absent elsewhere.
   */
  readonly readsBackAsync?: boolean;
  /** webgl2: its arithmetic, "strict" or "fast" (see init({ precision })); absent on the CPU devices. */
  readonly precision?: Precision;
  /** @internal The kernels this device has; runtime/kernels.ts's kernel() names what is missing. */
  readonly kernels: Partial<KernelTable>;
  /** @internal A zero-filled buffer of `size` floats. */
  allocate(size: number): DeviceBuffer;
  /** @internal */
  release(buffer: DeviceBuffer): void;
  /** @internal */
  upload(dst: DeviceArray, values: Float32Array): void;
  /** @internal The values, read synchronously (a GPU device waits for its queue). */
  download(src: DeviceArray): Float32Array;
  /** @internal The values, once the device has them: without blocking the thread where the device can. */
  read(src: DeviceArray): Promise<Float32Array>;

  /**
   * @internal Devices that read back only asynchronously (webgpu), where update() cannot
   * wait for a count of non-finite gradients: counts the NaN and infinite elements of
   * `grads` on the device, then runs `step`, whose elementwise kernels do nothing there if
   * the count is not zero. Once the counts are back, if any is not zero, `report` gets
   * them (one per array) and returns the error the device throws at its next read().
   */
  guardedStep?(grads: readonly DeviceArray[], step: () => void, report: (counts: readonly number[]) => Error): void;

  /** Devices that keep spare memory for reuse (webgl2's ping-pong textures, webgpu's scratch arrays): frees it; arrays stay valid. */
  releaseCaches?(): void;
  /** @internal Devices that can lose their memory (webgl2): keep these arrays' values on the host. */
  snapshot?(arrays: readonly DeviceArray[]): void;
  /** @internal Devices that can lose their memory: called once it is back, from the last snapshot. */
  onRestore?(listener: () => void): () => void;
}

/** Kernel `name` of `device`; a KernelUnavailableError naming both when the device has none. */
export function kernel<K extends KernelName>(device: Device, name: K): KernelTable[K] {
  const found = device.kernels[name];
  if (!found) {
    throw new KernelUnavailableError(`the ${device.name} device has no kernel ${describe(name)}; devices that have it: ` +
      "see availableDevices()", name, device.name);
  }
  return found as KernelTable[K];
}

/** Checks at setup that `device` has every kernel in `names`, so that nothing fails half-way through a step. */
export function requireKernels(device: Device, names: readonly KernelName[]): void {
  for (const name of names) kernel(device, name);
}
