import type { DeviceArray } from "../../runtime/DeviceArray.js";
import type { DeviceBuffer, Precision, SubnormalMode } from "../../runtime/Device.js";
import { ContextLostError, InvalidArgumentError, WebGLError } from "../../errors.js";
import { glsl } from "../../generated/glsl.js";
import { createProgramInfo, setUniforms, type ProgramInfo } from "./program.js";

/** The texture of a buffer: 2^shift texels wide, `rows` high. */
export interface Shape {
  shift: number;
  rows: number;
}

/**
 * An array's storage: an RGBA32F texture holding four consecutive elements per texel,
 * row after row, swapped when a pass ping-pongs, and a host copy (`shadow`) that
 * survives a lost context. Uploads keep the shadow current; a pass writing the buffer
 * makes it stale until the next snapshot.
 */
export class TextureBuffer implements DeviceBuffer {
  disposed = false;
  /** The values at the last upload or snapshot; null while they are all zero. */
  shadow: Float32Array | null = null;
  shadowCurrent = true;
  constructor(public texture: WebGLTexture, readonly shape: Shape, readonly size: number) {}

  get width(): number {
    return 2 ** this.shape.shift;
  }
}

export interface Pass {
  /** The glsl/ file of the fragment shader. */
  program: string;
  /** Arrays read, by the names of the shader's INPUT lines (see glsl/common.glsl). */
  inputs?: Record<string, DeviceArray>;
  /** Arrays written, one render target each; they share offset and buffer geometry. */
  outputs: DeviceArray[];
  /** Number of elements written (default: the first output's size). */
  count?: number;
  uniforms?: Record<string, number | boolean | number[] | Float32Array | Int32Array>;
  /**
   * Preprocessor names for a variant of the program, defined when true. What is the
   * same for every fragment of a pass (the activation, an input's alignment) is chosen
   * here rather than by a uniform branch: GPUs such as SwiftShader pay for the code
   * of a branch not taken.
   */
  defines?: Record<string, boolean>;
}

/** Whether every value (an offset, a stride) is a multiple of LANES: a texel boundary or a whole number of texels. */
export function aligned(...values: number[]): boolean {
  return values.every((v) => v % LANES === 0);
}

/** Whether every input sits at the output's position within a texel: then each fetch4 is one texel. */
export function sameLanes(output: DeviceArray, ...inputs: DeviceArray[]): boolean {
  return aligned(...inputs.map((input) => input.offset - output.offset));
}

/**
 * Expands each line `INPUT(x)` of a pass into the uniforms run() binds for input x
 * and the macro X that bundles them (see glsl/common.glsl), and a line `INCLUDE(name)`
 * into an include: glsl/generated/math.glsl, the math functions rendered from
 * src/kernels/math.ts, or glsl/window.glsl, the sliding window of Conv2D and the pools.
 */
function expand(fragment: string): string {
  return fragment.replace(/^INPUT\((\w+)\)$/gm, (_, x: string) => `uniform sampler2D u_${x};\n` +
    `uniform int u_${x}Offset, u_${x}Shift, u_${x}Last;\n#define ${x.toUpperCase()} u_${x}, u_${x}Shift, u_${x}Last`)
    .replace(/^INCLUDE\((\w+)\)$/gm, (_, name: string) => {
      if (!INCLUDES.has(name)) throw new Error(`INCLUDE(${name}): no such include (${[...INCLUDES].join(", ")})`);
      return glsl[name as keyof typeof glsl];
    });
}

/** What a pass may INCLUDE. */
const INCLUDES = new Set(["math", "window"]);

/** glsl/ files that are not passes: the vertex shader and what passes include. */
const NOT_PASSES = new Set(["fullscreen", "common", ...INCLUDES]);

/** Elements per texel: RGBA32F textures, so that one fetch brings four values. */
export const LANES = 4;

/** A draw of texels [begin, end) with the components `mask` lets through. */
interface Draw {
  begin: number;
  end: number;
  mask: [boolean, boolean, boolean, boolean];
}

const ALL: Draw["mask"] = [true, true, true, true];

/**
 * Texel draws that write elements [start, end) of a buffer of `size` elements: whole
 * texels in one draw, and a first or last texel the range covers only in part in a
 * draw of its own whose color mask keeps the other elements as they were. The
 * padding after the last element of a buffer is never read, so it may be written.
 */
function texelDraws(start: number, end: number, size: number): Draw[] {
  if (end === size) end = Math.ceil(end / LANES) * LANES;
  const first = Math.floor(start / LANES);
  const last = Math.floor((end - 1) / LANES);
  const lanes = (t: number): Draw["mask"] =>
    [0, 1, 2, 3].map((c) => t * LANES + c >= start && t * LANES + c < end) as Draw["mask"];
  if (first === last) return [{ begin: first, end: first + 1, mask: lanes(first) }];
  const draws: Draw[] = [];
  let begin = first;
  let stop = last + 1;
  if (start % LANES !== 0) draws.push({ begin: first, end: ++begin, mask: lanes(first) });
  if (end % LANES !== 0) draws.push({ begin: last, end: stop--, mask: lanes(last) });
  if (begin < stop) draws.push({ begin, end: stop, mask: ALL });
  return draws;
}

/**
 * Runs fragment-shader passes over RGBA32F textures: compiles each program variant
 * once per context (sizes, offsets and hyper-parameters are uniforms), binds inputs,
 * and renders the output range, a texel (four elements) per fragment. An output that
 * is also read by the pass (the in-place update) is rendered into a spare texture that
 * then replaces it: GL forbids reading the texture being drawn to.
 */
export class PassRunner {
  /** The widest texture (texels): a power of two, 4096 or the GPU's limit if lower. */
  readonly width: number;
  readonly maxRows: number;
  /** Call gl.getError() after every pass and throw on any error (tests turn this on). */
  checkErrors = false;
  private readonly programs = new Map<string, ProgramInfo>();
  private readonly framebuffer: WebGLFramebuffer;
  private readonly readFramebuffer: WebGLFramebuffer;
  private readonly spare = new Map<string, WebGLTexture[]>();
  private readonly placeholder: WebGLTexture;
  private liveTextures = 0;
  /** Numbers of render targets whose framebuffer was found complete. */
  private readonly completeTargets = new Set<number>();

  /**
   * `subnormals` "flush" compiles every program with FLUSH defined, `precision` "fast"
   * with FAST (see glsl/common.glsl). `rewrite`, when given, transforms each fragment
   * shader's source before it compiles: the hostile-compiler test uses it to apply the
   * rewrites a conforming compiler may.
   */
  constructor(readonly gl: WebGL2RenderingContext, maxTextureSize: number,
    readonly arithmetic: { subnormals: SubnormalMode; precision: Precision },
    readonly rewrite?: (source: string) => string) {
    this.width = 2 ** Math.floor(Math.log2(Math.min(4096, maxTextureSize)));
    this.maxRows = maxTextureSize;
    this.framebuffer = gl.createFramebuffer()!;
    this.readFramebuffer = gl.createFramebuffer()!;
    // Bound to samplers a pass declares but does not use (no bias), so that no sampler
    // points at a texture being drawn to.
    this.placeholder = this.createTexture({ shift: 0, rows: 1 });
  }

  /** Number of textures alive (arrays and spares). */
  get textureCount(): number {
    return this.liveTextures;
  }

  /**
   * The texture of a buffer of `size` elements (four a texel): about square, as wide
   * as a power of two (shaders address texels with shifts). A pass's draw then spans
   * many rows even for a small output, which is what lets a GPU that splits the work
   * by rows (SwiftShader, by scanlines per thread) use all its cores.
   */
  shapeFor(size: number): Shape {
    const texels = Math.max(1, Math.ceil(size / LANES));
    const shift = Math.min(Math.ceil(Math.log2(texels) / 2), Math.log2(this.width));
    const rows = Math.ceil(texels / 2 ** shift);
    if (rows > this.maxRows) {
      throw new InvalidArgumentError(`an array of ${size} elements needs ${rows} texture rows of ${this.width} ` +
        `texels; this GPU's MAX_TEXTURE_SIZE allows ${this.maxRows} (at most ${LANES * this.width * this.maxRows} ` +
        "elements per array)");
    }
    return { shift, rows };
  }

  /** Throws ContextLostError while the context is lost: GL calls would silently do nothing. */
  assertContext(): void {
    if (this.gl.isContextLost()) {
      throw new ContextLostError("the WebGL context is lost (GPU reset, driver update or too many contexts); the " +
        "webgl2 device restores itself from its last snapshot when the browser restores the context");
    }
  }

  createTexture({ shift, rows }: Shape): WebGLTexture {
    this.assertContext();
    const gl = this.gl;
    const texture = gl.createTexture()!;
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.texStorage2D(gl.TEXTURE_2D, 1, gl.RGBA32F, 2 ** shift, rows);
    for (const [name, value] of [[gl.TEXTURE_MIN_FILTER, gl.NEAREST], [gl.TEXTURE_MAG_FILTER, gl.NEAREST],
      [gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE], [gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE]]) {
      gl.texParameteri(gl.TEXTURE_2D, name, value);
    }
    this.liveTextures++;
    return texture;
  }

  deleteTexture(texture: WebGLTexture): void {
    this.gl.deleteTexture(texture);
    this.liveTextures--;
  }

  /** A texture of `shape` with undefined contents, from the spares when there is one. */
  private takeSpare(shape: Shape): WebGLTexture {
    return this.spare.get(`${shape.shift} ${shape.rows}`)?.pop() ?? this.createTexture(shape);
  }

  private giveSpare(shape: Shape, texture: WebGLTexture): void {
    const key = `${shape.shift} ${shape.rows}`;
    const list = this.spare.get(key) ?? [];
    // One spare per geometry covers the ping-pong of a step; more would only hold memory.
    if (list.length >= 4) this.deleteTexture(texture);
    else {
      list.push(texture);
      this.spare.set(key, list);
    }
  }

  /** Frees every spare texture (the arrays' own textures are freed by their dispose()). */
  releaseSpares(): void {
    for (const list of this.spare.values()) for (const texture of list) this.deleteTexture(texture);
    this.spare.clear();
  }

  private program(name: string, defines: Pass["defines"] = {}): ProgramInfo {
    const all: Record<string, boolean> = {
      ...defines, FLUSH: this.arithmetic.subnormals === "flush", FAST: this.arithmetic.precision === "fast",
    };
    const names = Object.keys(all).filter((key) => all[key]).sort();
    const key = [name, ...names].join(" ");
    let program = this.programs.get(key);
    if (!program) {
      const fragment = glsl[name];
      if (fragment === undefined) throw new WebGLError(`no shader glsl/${name}.glsl was built into the package`);
      program = this.compile(name, fragment, names);
      this.programs.set(key, program);
    }
    return program;
  }

  /**
   * Compiles a fragment pass: the defines, glsl/common.glsl (which reads ALIGNED),
   * then the pass with its INPUT lines expanded. A compile or link error throws a
   * WebGLError holding the driver's message and the numbered source.
   */
  compile(name: string, fragment: string, defines: string[] = []): ProgramInfo {
    const created = createProgramInfo(this.gl, `#version 300 es\n${glsl.fullscreen}`,
      (this.rewrite ?? ((source: string) => source))(
        `#version 300 es\n${defines.map((define) => `#define ${define}\n`).join("")}${glsl.common}\n${expand(fragment)}`));
    if (typeof created === "string") {
      const variant = defines.length ? ` (with ${defines.join(", ")})` : "";
      throw new WebGLError(`glsl/${name}.glsl${variant} failed to compile or link:\n${created}`);
    }
    return created;
  }

  /**
   * Compiles every pass now (without defines), so that a broken shader fails at init
   * rather than mid-training; variants compile at their first use.
   */
  compileAll(): void {
    for (const name of Object.keys(glsl)) if (!NOT_PASSES.has(name)) this.program(name);
  }

  run({ program, inputs = {}, outputs, count = outputs[0].size, uniforms = {}, defines }: Pass): void {
    if (count === 0) return;
    this.assertContext();
    const gl = this.gl;
    const info = this.program(program, defines);
    const target = outputs[0];
    const { shape, size, width } = target.buffer as TextureBuffer;
    const inputBuffers = new Set(Object.values(inputs).map((a) => a.buffer));
    // Outputs the pass also reads are drawn into spares that then take their place.
    const drawn = outputs.map((output) => {
      const buffer = output.buffer as TextureBuffer;
      if (!inputBuffers.has(buffer)) return { buffer, texture: buffer.texture, swap: false };
      const texture = this.takeSpare(shape);
      if (output.offset > 0 || count < buffer.size) this.copyTexture(buffer.texture, texture, width, shape.rows);
      return { buffer, texture, swap: true };
    });

    gl.bindFramebuffer(gl.FRAMEBUFFER, this.framebuffer);
    const attachments = drawn.map((_, i) => gl.COLOR_ATTACHMENT0 + i);
    drawn.forEach(({ texture }, i) => gl.framebufferTexture2D(gl.FRAMEBUFFER, attachments[i], gl.TEXTURE_2D, texture, 0));
    for (let i = drawn.length; i < 4; i++) gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + i, gl.TEXTURE_2D, null, 0);
    gl.drawBuffers(attachments);
    this.checkFramebuffer(program, drawn.length);

    gl.useProgram(info.program);
    const values: Record<string, unknown> = { u_outOffset: target.offset, u_outShift: shape.shift, u_count: count };
    for (const [name, value] of Object.entries(uniforms)) values[`u_${name}`] = value;
    for (const [name, array] of Object.entries(inputs)) {
      const buffer = array.buffer as TextureBuffer;
      values[`u_${name}`] = buffer.texture;
      values[`u_${name}Offset`] = array.offset;
      values[`u_${name}Shift`] = buffer.shape.shift;
      values[`u_${name}Last`] = buffer.width * buffer.shape.rows - 1;
    }
    for (const name of info.samplers) values[name] ??= this.placeholder;
    setUniforms(info, values);
    for (const { begin, end, mask } of texelDraws(target.offset, target.offset + count, size)) {
      gl.colorMask(...mask);
      for (const [x, y, w, h] of this.rectangles(begin, end, width)) {
        gl.viewport(x, y, w, h);
        gl.drawArrays(gl.TRIANGLES, 0, 3);
      }
    }
    gl.colorMask(true, true, true, true);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);

    for (const { buffer, texture, swap } of drawn) {
      buffer.shadowCurrent = false;
      if (!swap) continue;
      this.giveSpare(shape, buffer.texture);
      buffer.texture = texture;
    }
    if (this.checkErrors) this.checkError(program);
  }

  /**
   * Texels [begin, end) as viewport rectangles: a partial first row, whole rows, a
   * partial last row. Fragments are drawn only where a pass writes, so no shader runs
   * for nothing (some GPUs run even a discarded fragment to its end).
   */
  private rectangles(begin: number, end: number, w: number): [number, number, number, number][] {
    const rectangles: [number, number, number, number][] = [];
    if (begin % w !== 0) {
      const stop = Math.min(end, (Math.floor(begin / w) + 1) * w);
      rectangles.push([begin % w, Math.floor(begin / w), stop - begin, 1]);
      begin = stop;
    }
    const rows = Math.floor((end - begin) / w);
    if (rows > 0) rectangles.push([0, begin / w, w, rows]);
    begin += rows * w;
    if (begin < end) rectangles.push([0, begin / w, end - begin, 1]);
    return rectangles;
  }

  private copyTexture(from: WebGLTexture, to: WebGLTexture, width: number, rows: number): void {
    const gl = this.gl;
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, this.readFramebuffer);
    gl.framebufferTexture2D(gl.READ_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, from, 0);
    gl.bindTexture(gl.TEXTURE_2D, to);
    gl.copyTexSubImage2D(gl.TEXTURE_2D, 0, 0, 0, 0, 0, width, rows);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
  }

  /**
   * Checked once per number of render targets: every texture is RGBA32F, so one
   * complete framebuffer of n targets vouches for all. (checkFramebufferStatus waits
   * for the GPU process in Chromium: checked on every pass, it took 60% of a small
   * net's training step.)
   */
  private checkFramebuffer(program: string, targets: number): void {
    if (this.completeTargets.has(targets)) return;
    const gl = this.gl;
    const status = gl.checkFramebufferStatus(gl.FRAMEBUFFER);
    if (status !== gl.FRAMEBUFFER_COMPLETE) {
      throw new WebGLError(`framebuffer for pass ${program} is incomplete (status 0x${status.toString(16)}): ` +
        "this GL implementation cannot render to these RGBA32F textures");
    }
    this.completeTargets.add(targets);
  }

  checkError(where: string): void {
    const error = this.gl.getError();
    if (error !== this.gl.NO_ERROR) throw new WebGLError(`GL error 0x${error.toString(16)} after ${where}`);
  }

  /**
   * Writes `values` to elements [offset, offset + values.length) of a buffer. The
   * range must start at a texel (offset % 4 == 0) and end at one or at the buffer's
   * end: WebGL writes whole texels (WebGL2Device.upload stages other ranges).
   */
  upload(buffer: TextureBuffer, offset: number, values: Float32Array): void {
    this.assertContext();
    if (buffer.shadowCurrent) {
      buffer.shadow ??= new Float32Array(buffer.size);
      buffer.shadow.set(values, offset);
    }
    let texels = values;
    if (values.length % LANES !== 0) {
      texels = new Float32Array(Math.ceil(values.length / LANES) * LANES);
      texels.set(values);
    }
    const gl = this.gl;
    const w = buffer.width;
    gl.bindTexture(gl.TEXTURE_2D, buffer.texture);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    const count = texels.length / LANES;
    let done = 0;
    while (done < count) {
      // A partial first row, whole rows, then a partial last row.
      const index = offset / LANES + done;
      const x = index % w;
      const y = Math.floor(index / w);
      const left = count - done;
      const width = x > 0 || left < w ? Math.min(w - x, left) : w;
      const height = x > 0 || left < w ? 1 : Math.floor(left / w);
      gl.texSubImage2D(gl.TEXTURE_2D, 0, x, y, width, height, gl.RGBA, gl.FLOAT,
        texels.subarray(done * LANES, (done + width * height) * LANES));
      done += width * height;
    }
  }

  /** Reads elements [offset, offset + size) of a buffer: the texel rows holding them, four elements a texel. */
  download(buffer: TextureBuffer, offset: number, size: number): Float32Array {
    if (size === 0) return new Float32Array(0);
    this.assertContext();
    const rows = this.texelRows(buffer, offset, size);
    this.readRows(buffer, rows, rows.rgba);
    return rows.rgba.slice(rows.start, rows.start + size);
  }

  /**
   * download() without stalling: the rows go into a pixel-pack buffer, and are copied
   * out once a fence says the GPU is done, polled between tasks. A synchronous read
   * waits for the GPU inside readPixels, which browsers log as "GPU stall due to
   * ReadPixels".
   */
  async downloadAsync(buffer: TextureBuffer, offset: number, size: number): Promise<Float32Array> {
    if (size === 0) return new Float32Array(0);
    this.assertContext();
    const gl = this.gl;
    const rows = this.texelRows(buffer, offset, size);
    const pack = gl.createBuffer();
    try {
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, pack);
      gl.bufferData(gl.PIXEL_PACK_BUFFER, rows.rgba.byteLength, gl.STREAM_READ);
      this.readRows(buffer, rows, 0);
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
      const fence = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0)!;
      gl.flush();
      try {
        while (gl.clientWaitSync(fence, 0, 0) === gl.TIMEOUT_EXPIRED) {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      } finally {
        gl.deleteSync(fence);
      }
      this.assertContext(); // a lost context ends the wait with WAIT_FAILED
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, pack);
      gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, rows.rgba);
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    } finally {
      gl.deleteBuffer(pack);
    }
    return rows.rgba.subarray(rows.start, rows.start + size);
  }

  /** The texel rows that hold elements [offset, offset + size), and where the range starts in them. */
  private texelRows(buffer: TextureBuffer, offset: number, size: number) {
    const w = buffer.width;
    const first = Math.floor(offset / LANES / w);
    const count = Math.floor((offset + size - 1) / LANES / w) - first + 1;
    return { first, count, start: offset - first * w * LANES, rgba: new Float32Array(w * count * LANES) };
  }

  /** readPixels of those rows into `target`: client memory, or an offset into the bound pixel-pack buffer. */
  private readRows(buffer: TextureBuffer, rows: { first: number; count: number }, target: Float32Array | 0): void {
    const gl = this.gl;
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, this.readFramebuffer);
    gl.framebufferTexture2D(gl.READ_FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, buffer.texture, 0);
    if (target === 0) gl.readPixels(0, rows.first, buffer.width, rows.count, gl.RGBA, gl.FLOAT, 0);
    else gl.readPixels(0, rows.first, buffer.width, rows.count, gl.RGBA, gl.FLOAT, target);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
  }
}
