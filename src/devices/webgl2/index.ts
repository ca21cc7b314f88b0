import type { Device, DeviceBuffer, KernelTable, Precision, SubnormalMode } from "../../runtime/Device.js";
import { DeviceArray } from "../../runtime/DeviceArray.js";
import { WebGLError } from "../../errors.js";
import { probeWebGL2, type GLProbe } from "./context.js";
import { aligned, PassRunner, sameLanes, TextureBuffer } from "./passes.js";
import { checkCopies, checkHardCases, subnormalProduct } from "../selfTest.js";
import { webgl2Kernels } from "./kernels.js";

/**
 * Sizes of matmul row targets kept (see matmulRows). A Linear layer's step takes three
 * products: 27 sizes cover a nine-layer net, or a three-layer net at three batch sizes.
 */
const MAX_ROW_TARGETS = 27;

/** The operations of glsl/arithmetic.glsl. */
export type StrictOperation = "add" | "sub" | "mul" | "div" | "sqrt";

/**
 * GLSL ES 3.00 fragment passes over RGBA32F textures (see glsl/). Every array is an
 * about square texture, four consecutive elements per texel (see PassRunner.shapeFor);
 * values leave the GPU only through get().
 */
export class WebGL2Device implements Device {
  readonly name = "webgl2" as const;
  readonly threads = 1;
  readonly kernels: KernelTable;
  /**
   * The pass runner; replaced when a lost context is restored. @internal (not in the
   * published types, which must not need the DOM's WebGL types)
   */
  passes: PassRunner;
  readonly renderer: string;
  readonly software: boolean;
  /**
   * Whether this GPU flushes subnormal results (|x| < 2^-126) to zero, measured at
   * init. Where it does, such results differ from the other devices by under 2^-126.
   */
  flushesSubnormals = false;
  private scratchBuffer: DeviceArray | null = null;
  private readonly rowTargets = new Map<number, DeviceArray[]>();
  /** Every live buffer, so that a restored context can rebuild them. */
  private readonly buffers = new Set<TextureBuffer>();
  private readonly restoreListeners = new Set<() => void>();

  private constructor(private readonly probe: GLProbe, readonly subnormals: SubnormalMode, readonly precision: Precision) {
    this.kernels = webgl2Kernels(this);
    this.passes = new PassRunner(probe.gl, probe.maxTextureSize, { subnormals, precision });
    this.renderer = probe.renderer;
    this.software = probe.software;
    const canvas = probe.gl.canvas as EventTarget;
    canvas.addEventListener("webglcontextlost", (event) => event.preventDefault()); // lets the browser restore it
    canvas.addEventListener("webglcontextrestored", () => this.restore());
  }

  /** True between the loss of the WebGL context and its restoration. */
  get lost(): boolean {
    return this.probe.gl.isContextLost();
  }

  /**
   * Copies the arrays' current values to the host, so that a lost context can give
   * them back (optimizers call this every `snapshotEvery` steps). Arrays uploaded
   * with set() are always current; only those written by passes since are read back.
   */
  snapshot(arrays: readonly DeviceArray[]): void {
    for (const buffer of new Set(arrays.map((a) => a.buffer as TextureBuffer))) {
      if (buffer.shadowCurrent || buffer.disposed) continue;
      buffer.shadow = this.passes.download(buffer, 0, buffer.size);
      buffer.shadowCurrent = true;
    }
  }

  /** Calls `listener` after a lost context was restored; returns the function that removes it. */
  onRestore(listener: () => void): () => void {
    this.restoreListeners.add(listener);
    return () => this.restoreListeners.delete(listener);
  }

  /** Rebuilds programs and every live texture from its last snapshot (or zeros). */
  private restore(): void {
    // A restored context starts without extensions: float render targets must be enabled again.
    this.probe.gl.getExtension("EXT_color_buffer_float");
    const checkErrors = this.passes.checkErrors;
    this.passes = new PassRunner(this.probe.gl, this.probe.maxTextureSize, this);
    this.passes.checkErrors = checkErrors;
    this.passes.compileAll();
    for (const buffer of this.buffers) {
      buffer.texture = this.passes.createTexture(buffer.shape);
      buffer.shadowCurrent = true;
      if (buffer.shadow) this.passes.upload(buffer, 0, buffer.shadow);
    }
    for (const listener of this.restoreListeners) listener();
  }

  static unsupportedReason(): string | null {
    const probe = probeWebGL2();
    return typeof probe === "string" ? probe : null;
  }

  /** Why init() should pass over this device when choosing by itself, though it works. */
  static notPreferredReason(): string | null {
    const probe = probeWebGL2();
    if (typeof probe === "string" || !probe.software) return null;
    return `the WebGL2 renderer "${probe.renderer}" is a software rasterizer, where wasm-simd is several times ` +
      'faster; init({ device: "webgl2" }) still uses it';
  }

  static async create(subnormals: SubnormalMode, precision: Precision): Promise<WebGL2Device> {
    const probe = probeWebGL2();
    if (typeof probe === "string") throw new WebGLError(probe);
    const device = new WebGL2Device(probe, subnormals, precision);
    device.passes.compileAll();
    await device.selfTest();
    return device;
  }

  /** out = a op b (op of a alone for sqrt), elementwise, through glsl/arithmetic.glsl. */
  arithmetic(op: StrictOperation, a: DeviceArray, b: DeviceArray, out: DeviceArray): void {
    this.passes.run({
      program: "arithmetic", inputs: { a, b }, outputs: [out],
      defines: { [op.toUpperCase()]: true, ALIGNED: sameLanes(out, a, b) },
    });
  }

  /**
   * Renders known values through a copy pass between views at odd offsets and reads
   * them back: catches drivers that accept float render targets and get them wrong.
   * Then checks that division and square root round the hard cases as the js
   * reference does, and measures whether the GPU flushes subnormals. Reads back
   * without stalling (see downloadAsync): opening the device logs nothing.
   */
  private async selfTest(): Promise<void> {
    const values = Float32Array.from([0, 1, -1, 1 / 3, -2 / 7, 3.4028234e38, -1.1754944e-38, 16777217, 1e-7, -123456.79]);
    const fail = (message: string) => new WebGLError(`self-test failed on "${this.renderer}": ${message}`);
    await checkCopies(this, values, fail, (value) => `rendered ${value} to a float32 texture`,
      () => this.passes.checkError("the self-test"));
    this.flushesSubnormals = (await subnormalProduct(this)) === 0;
    if (this.precision === "strict") await checkHardCases(this, (op, a, b, out) => this.arithmetic(op, a, b, out), fail);
  }

  /** A small array of `size` elements for a pass's result (the MSE error, non-finite counts), kept between calls. */
  scratch(size: number): DeviceArray {
    if (!this.scratchBuffer || this.scratchBuffer.size < size) {
      this.scratchBuffer?.dispose();
      this.scratchBuffer = DeviceArray.allocate(this, [Math.max(size, this.passes.width)]);
    }
    return this.scratchBuffer.view(0, [size]);
  }

  /**
   * The four render targets of glsl/matmulBlocks.glsl for products of `size` elements
   * per target, kept between calls: a net's layers need a few sizes, every step. The
   * least recently used beyond MAX_ROW_TARGETS sizes are freed.
   */
  matmulRows(size: number): DeviceArray[] {
    let rows = this.rowTargets.get(size);
    if (rows) this.rowTargets.delete(size);
    else rows = [0, 1, 2, 3].map(() => DeviceArray.allocate(this, [size]));
    this.rowTargets.set(size, rows);
    if (this.rowTargets.size > MAX_ROW_TARGETS) {
      const [oldest, arrays] = this.rowTargets.entries().next().value!;
      arrays.forEach((a) => a.dispose());
      this.rowTargets.delete(oldest);
    }
    return rows;
  }

  /** Frees the textures kept between passes for reuse (ping-pong spares, scratch results, matmul row targets). */
  releaseCaches(): void {
    this.passes.releaseSpares();
    for (const rows of this.rowTargets.values()) rows.forEach((a) => a.dispose());
    this.rowTargets.clear();
    this.scratchBuffer?.dispose();
    this.scratchBuffer = null;
  }

  /** Textures alive on this device: arrays, spares and internal ones. */
  get textureCount(): number {
    return this.passes.textureCount;
  }

  allocate(size: number): DeviceBuffer {
    const shape = this.passes.shapeFor(size);
    // WebGL zero-fills new textures.
    const buffer = new TextureBuffer(this.passes.createTexture(shape), shape, size);
    this.buffers.add(buffer);
    return buffer;
  }

  release(buffer: DeviceBuffer): void {
    this.buffers.delete(buffer as TextureBuffer);
    this.passes.deleteTexture((buffer as TextureBuffer).texture);
  }

  /**
   * Texels are written whole: a range that starts or ends inside a texel is uploaded
   * to a temporary array and copied into place by a pass, which keeps the elements
   * around it.
   */
  upload(dst: DeviceArray, values: Float32Array): void {
    const end = dst.offset + dst.size;
    if (aligned(dst.offset) && (aligned(end) || end === dst.buffer.size)) {
      this.passes.upload(dst.buffer as TextureBuffer, dst.offset, values);
      return;
    }
    const staged = DeviceArray.allocate(this, [dst.size]);
    try {
      this.passes.upload(staged.buffer as TextureBuffer, 0, values);
      this.kernels.copy(staged, dst);
    } finally {
      staged.dispose();
    }
  }

  download(src: DeviceArray): Float32Array {
    return this.passes.download(src.buffer as TextureBuffer, src.offset, src.size);
  }

  /** The values through a pixel-pack buffer and a fence: the thread does not wait for the GPU (see downloadAsync). */
  read(src: DeviceArray): Promise<Float32Array> {
    return this.passes.downloadAsync(src.buffer as TextureBuffer, src.offset, src.size);
  }
}
