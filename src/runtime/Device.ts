import type { DeviceArray } from "./DeviceArray.js";

export type DeviceName = "webgl2" | "wasm-simd" | "wasm" | "js";

export type ActivationKind = "relu" | "tanh" | "sigmoid";

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

/** The scalars of one Graves step, each already rounded to float32 on the host. */
export interface GravesScalars {
  learnRate: number;
  alpha: number;
  /** 1 - alpha, rounded to float32 once. */
  b: number;
  momRate: number;
  epsilon: number;
}

/**
 * A run of elements [previous segment's end, end) of one update with its own
 * learnRate and momRate (float32, per-variable multipliers applied): how global
 * state honours Variable.learnRate and momRate in a single pass.
 */
export interface GravesSegment {
  end: number;
  learnRate: number;
  momRate: number;
}

/** Calls `run` for each segment's [start, start + count) with its scalars; one run when there are no segments. */
export function forEachSegment(size: number, scalars: GravesScalars, segments: readonly GravesSegment[] | undefined,
  run: (start: number, count: number, scalars: GravesScalars) => void): void {
  if (!segments) {
    run(0, size, scalars);
    return;
  }
  let start = 0;
  for (const { end, learnRate, momRate } of segments) {
    run(start, end - start, { ...scalars, learnRate, momRate });
    start = end;
  }
}

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
 * What every device implements. Arguments arrive validated (same device, alive,
 * matching sizes): the facade checks once, devices only compute. Every kernel
 * follows the float32 operation order of the `js` reference exactly.
 */
export interface Device {
  readonly name: DeviceName;
  /** The subnormal rule this device instance follows (see init({ subnormals })). */
  readonly subnormals: SubnormalMode;
  /** Threads that run this device's kernels: see init({ threads }) for wasm-simd and wasm; 1 on js and webgl2. */
  readonly threads: number;
  /** A zero-filled buffer of `size` floats. */
  allocate(size: number): DeviceBuffer;
  release(buffer: DeviceBuffer): void;
  upload(dst: DeviceArray, values: Float32Array): void;
  download(src: DeviceArray): Float32Array;

  /** With `segments`, each run of elements uses its segment's learnRate and momRate. */
  rmspropGraves(param: DeviceArray, grad: DeviceArray, mg: DeviceArray, ms: DeviceArray,
    delta: DeviceArray, scalars: GravesScalars, segments?: readonly GravesSegment[]): void;
  matmul(a: DeviceArray, b: DeviceArray, out: DeviceArray, bias: DeviceArray | null,
    shape: MatmulShape): void;
  columnSums(a: DeviceArray, out: DeviceArray, rows: number, cols: number): void;
  activationForward(kind: ActivationKind, x: DeviceArray, y: DeviceArray): void;
  activationBackward(kind: ActivationKind, y: DeviceArray, dy: DeviceArray, dx: DeviceArray): void;
  /**
   * Writes the gradient and returns the error, both as PuzzleLib's MSE defines them.
   * With queryError false a device may skip the error and return null (webgl2 does,
   * to avoid reading back from the GPU).
   */
  mse(pred: DeviceArray, target: DeviceArray, grad: DeviceArray, queryError: boolean): number | null;
  fill(a: DeviceArray, value: number): void;
  copy(src: DeviceArray, dst: DeviceArray): void;
  /** y = y + scale * x, elementwise (scale already float32). */
  addScaled(x: DeviceArray, y: DeviceArray, scale: number): void;
  /** How many elements are NaN or ±Infinity. */
  countNonFinite(a: DeviceArray): number;

  /** Devices that can lose their memory (webgl2): keep these arrays' values on the host. */
  snapshot?(arrays: readonly DeviceArray[]): void;
  /** Devices that can lose their memory: called once it is back, from the last snapshot. */
  onRestore?(listener: () => void): () => void;
}
