/// <reference types="@webgpu/types" />
import type { Device, DeviceBuffer, KernelTable, SubnormalMode } from "../../runtime/Device.js";
import { DeviceArray } from "../../runtime/DeviceArray.js";
import { SyncReadError, WebGPUError } from "../../errors.js";
import { rounding } from "../js/rounding.js";
import { checkCopies, checkHardCases, subnormalProduct } from "../selfTest.js";
import { wgsl } from "../../generated/wgsl.js";
import { webgpuKernels } from "./kernels.js";

/** Invocations per workgroup of every pass (wgsl/: @workgroup_size(64)). */
const WORKGROUP = 64;
/** Workgroups per dimension of one dispatch (WebGPU's default maxComputeWorkgroupsPerDimension). */
const MAX_GROUPS = 65535;
/**
 * Passes recorded before the encoder is submitted even though nothing waits for them: a
 * loop that reads back rarely would otherwise pile up commands and temporary buffers.
 */
const MAX_PASSES_PER_SUBMIT = 256;
/** Parameter buffers kept for reuse: a training step repeats the same calls with the same parameters. */
const MAX_PARAMETER_BUFFERS = 512;
/** Bind groups kept for reuse, for the same reason (a step's passes bind the same buffers every time). */
const MAX_BIND_GROUPS = 2048;

/** A storage buffer of the device. */
export class GPUArrayBuffer implements DeviceBuffer {
  disposed = false;
  constructor(readonly gpu: GPUBuffer, readonly size: number) {}
}

/** One array a pass binds, and whether the pass writes it. */
export interface Binding {
  array: DeviceArray | null;
  written?: boolean;
}

/** The adapter's description and whether it is a software rasterizer, or why there is none. */
interface Probe {
  adapter: GPUAdapter;
  description: string;
  software: boolean;
}

/** An adapter of navigator.gpu, or why there is none (each device needs its own: an adapter makes one device). */
async function requestAdapter(): Promise<Probe | string> {
  const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
  if (!gpu) return "navigator.gpu is undefined: this runtime has no WebGPU";
  // A compatibility adapter (WebGPU on OpenGL ES, as Chromium offers through ANGLE) runs these passes too: it is
  // taken where the core one is a fallback (Chromium's SwiftShader) and it is not. (Where there is no core
  // adapter WebGPU is off: asking again would only make Chromium log "No available adapters." twice.)
  let adapter = await gpu.requestAdapter().catch(() => null);
  if (adapter && isFallback(adapter)) {
    const compatible = await gpu.requestAdapter({ featureLevel: "compatibility" } as GPURequestAdapterOptions).catch(() => null);
    if (compatible && !isFallback(compatible)) adapter = compatible;
  }
  if (!adapter) return "navigator.gpu.requestAdapter() found no adapter (WebGPU is off or the GPU is blocklisted)";
  const info = adapterInfo(adapter);
  const named = [info.description, info.vendor, info.architecture, info.device].filter((s) => s).join(", ");
  const description = named || "an adapter without a description";
  // An adapter that does not say what it is counts as software: Chromium's WebGPU on ANGLE on lavapipe is one.
  const software = !named || isFallback(adapter) || /llvmpipe|lavapipe|swiftshader|software|softpipe/i.test(named);
  return { adapter, description, software };
}

/** GPUAdapterInfo (vendor, architecture, device, description; isFallbackAdapter where the runtime has it). */
function adapterInfo(adapter: GPUAdapter): Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean } {
  return (adapter as { info?: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean } }).info ?? {};
}

function isFallback(adapter: GPUAdapter): boolean {
  return adapterInfo(adapter).isFallbackAdapter === true || (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
}

let probed: Promise<Probe | string> | null = null;

/** What the runtime's adapter is, asked for once per page or process. */
function probe(): Promise<Probe | string> {
  probed ??= requestAdapter();
  return probed;
}

/**
 * WGSL compute passes on storage buffers (see wgsl/): every array is a buffer of float32
 * elements (views are offsets into it, passed to each pass as a parameter). Kernel calls
 * record their passes into one command encoder, submitted before the queue must see it
 * (an upload, a read). Values leave the GPU only through read(): WebGPU has no
 * synchronous read-back.
 */
export class WebGPUDevice implements Device {
  readonly name = "webgpu" as const;
  readonly threads = 1;
  readonly readsBackAsync = true;
  readonly kernels: Partial<KernelTable>;
  /**
   * Whether this adapter flushes subnormal results, measured at init: "keep" mode then
   * does + - * and the comparisons from the bits (common.wgsl's EMULATE), which keeps
   * them, at a price in speed.
   */
  flushesSubnormals = false;
  private encoder: GPUCommandEncoder | null = null;
  /** Passes recorded into `encoder`. */
  private passes = 0;
  /** Buffers to destroy once the commands that use them are submitted. */
  private garbage: GPUBuffer[] = [];
  /** The storage buffers made by createBuffer() and not yet destroyed (see bufferCount). */
  private readonly live = new Set<GPUBuffer>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly parameterBuffers = new Map<string, GPUBuffer>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  /** A number per buffer, never reused: bind groups are kept by their pipeline and buffers' numbers. */
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 0;
  /** The buffers made for one pass (staged copies), whose bind groups are not kept. */
  private readonly temporaries = new WeakSet<GPUBuffer>();
  /** A one-element buffer bound where a pass has nothing to bind (a product without bias). */
  private readonly dummy: GPUBuffer;
  /** The first error the GPU reported (validation, out of memory, device loss), surfaced at the next read(). */
  private failure: string | null = null;
  /** An error of a guarded step (a non-finite gradient), thrown by the next read(). */
  private raised: Error | null = null;
  /** The counts of the guarded step being recorded (see guardedStep). */
  private guard: DeviceArray | null = null;
  /** Arrays kept between kernel calls for their intermediate results, by use (see scratch()). */
  private readonly scratchArrays = new Map<string, DeviceArray>();

  private constructor(readonly gpu: GPUDevice, readonly adapterDescription: string, readonly software: boolean,
    readonly subnormals: SubnormalMode) {
    this.kernels = webgpuKernels(this);
    this.dummy = this.createBuffer(1);
    gpu.addEventListener("uncapturederror", (event) => {
      this.failure ??= (event as GPUUncapturedErrorEvent).error.message;
    });
    void gpu.lost.then((info) => {
      this.failure ??= `the WebGPU device was lost: ${info.message || info.reason}`;
    });
  }

  static async unavailableReason(): Promise<string | null> {
    const found = await probe();
    return typeof found === "string" ? found : null;
  }

  /** Why init() should pass over this device when choosing by itself, though it works. */
  static async notPreferredReason(): Promise<string | null> {
    const found = await probe();
    if (typeof found === "string") return null;
    if (found.software) {
      return `the WebGPU adapter "${found.description}" is a software rasterizer or does not say what it is, and ` +
        'wasm-simd is faster than a software one; init({ device: "webgpu" }) still uses it';
    }
    return null;
  }

  static async create(subnormals: SubnormalMode): Promise<WebGPUDevice> {
    const found = await requestAdapter();
    if (typeof found === "string") throw new WebGPUError(found);
    const { limits } = found.adapter;
    const gpu = await found.adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      },
    });
    const device = new WebGPUDevice(gpu, found.description, found.software, subnormals);
    await device.selfTest();
    return device;
  }

  /** The largest array this device holds, in elements. */
  get maxSize(): number {
    return Math.floor(Math.min(this.gpu.limits.maxStorageBufferBindingSize, this.gpu.limits.maxBufferSize) / 4);
  }

  /**
   * Storage buffers this device holds for arrays and passes: the arrays' (allocated, not
   * yet released and submitted), a pass's staged copies until the next submit, and the
   * one bound where a pass has nothing to bind. Not counted: the parameter buffers, a cache
   * of at most MAX_PARAMETER_BUFFERS, and read()'s staging buffers, destroyed before it
   * returns. What a leak shows in. @internal
   */
  get bufferCount(): number {
    return this.live.size;
  }

  private createBuffer(size: number): GPUBuffer {
    const buffer = this.gpu.createBuffer({
      size: Math.max(1, size) * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.live.add(buffer);
    return buffer;
  }

  /** The command encoder kernel calls record into. */
  commands(): GPUCommandEncoder {
    this.encoder ??= this.gpu.createCommandEncoder();
    return this.encoder;
  }

  /** Submits what the kernel calls recorded, then frees their temporary buffers. */
  flush(): void {
    if (this.encoder) {
      this.gpu.queue.submit([this.encoder.finish()]);
      this.encoder = null;
      this.passes = 0;
    }
    for (const buffer of this.garbage) {
      buffer.destroy();
      this.live.delete(buffer);
    }
    this.garbage = [];
  }

  /** A temporary buffer of `size` elements, freed after the next submit. */
  temporary(size: number): GPUBuffer {
    const buffer = this.createBuffer(size);
    this.temporaries.add(buffer);
    this.garbage.push(buffer);
    return buffer;
  }

  /**
   * Group `group` of `pipeline` (named `key`) binding `buffers` in order: made once per
   * pipeline and buffers and kept (a destroyed buffer's number never comes again, so a
   * kept group that holds one is never used; the oldest beyond MAX_BIND_GROUPS are dropped).
   */
  private bindGroup(key: string, pipeline: GPUComputePipeline, group: number, buffers: GPUBuffer[]): GPUBindGroup {
    const make = () => this.gpu.createBindGroup({
      layout: pipeline.getBindGroupLayout(group), entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    if (buffers.some((buffer) => this.temporaries.has(buffer))) return make();
    const ids = buffers.map((buffer) => {
      let id = this.bufferIds.get(buffer);
      if (id === undefined) this.bufferIds.set(buffer, id = ++this.nextBufferId);
      return id;
    });
    const groupKey = `${key}|${group}|${ids.join(",")}`;
    let bindGroup = this.bindGroups.get(groupKey);
    if (bindGroup) {
      this.bindGroups.delete(groupKey);
    } else {
      bindGroup = make();
      if (this.bindGroups.size >= MAX_BIND_GROUPS) this.bindGroups.delete(this.bindGroups.keys().next().value!);
    }
    this.bindGroups.set(groupKey, bindGroup);
    return bindGroup;
  }

  /** The pipeline of `program` with `constants`, named `key`: made once. */
  private pipeline(key: string, program: string, constants: Record<string, number>): GPUComputePipeline {
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      let module = this.modules.get(program);
      if (!module) {
        const source = wgsl[program];
        if (source === undefined) throw new WebGPUError(`no WGSL pass named ${program}`);
        // A line `//! include name` puts wgsl/name.wgsl (or wgsl/generated/) before the pass.
        const included = [...source.matchAll(/^\/\/! include (\w+)$/gm)].map(([, name]) => wgsl[name]);
        module = this.gpu.createShaderModule({ label: program, code: [wgsl.common, ...included, source].join("\n") });
        this.modules.set(program, module);
      }
      pipeline = this.gpu.createComputePipeline({
        label: key, layout: "auto",
        compute: {
          module, entryPoint: "main",
          constants: { FLUSH: this.subnormals === "flush" ? 1 : 0, EMULATE: this.flushesSubnormals ? 1 : 0, ...constants },
        },
      });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  /** The storage buffer holding `values` (common.wgsl's Parameters), made once per distinct value. */
  private parameters(values: Uint32Array): GPUBuffer {
    const key = values.join(",");
    let buffer = this.parameterBuffers.get(key);
    if (buffer) {
      this.parameterBuffers.delete(key);
    } else {
      buffer = this.gpu.createBuffer({ size: values.byteLength, usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
      new Uint32Array(buffer.getMappedRange()).set(values);
      buffer.unmap();
      if (this.parameterBuffers.size >= MAX_PARAMETER_BUFFERS) {
        const [oldest, old] = this.parameterBuffers.entries().next().value!;
        this.parameterBuffers.delete(oldest);
        this.garbage.push(old);
      }
    }
    this.parameterBuffers.set(key, buffer);
    return buffer;
  }

  /**
   * Records one pass of `program`: `bindings` are its group-0 arrays in binding order,
   * `count` its element count (common.wgsl's parameters.count), `values` its own integer
   * parameters after the arrays' offsets, `invocations` how many invocations it needs.
   * An array read by the pass whose buffer the pass also writes is read from a copy, and
   * a written array whose buffer an earlier written one shares is computed in a copy and
   * copied back (WebGPU forbids a buffer bound writable and read-only in one pass, and
   * Dawn two writable bindings of overlapping ranges: a binding is the whole buffer). `guarded` passes
   * (the elementwise ones) read common.wgsl's guard.
   */
  dispatch(program: string, bindings: readonly Binding[], { count = 0, values = [], invocations, constants = {}, guarded = false }:
    { count?: number; values?: readonly number[]; invocations: number; constants?: Record<string, number>; guarded?: boolean }):
    void {
    if (this.guard && !guarded) throw new WebGPUError(`${program} was called in a guarded step, whose passes must honour the guard`);
    if (invocations <= 0) return;
    const encoder = this.commands();
    const writtenBuffers = new Set(bindings.filter((b) => b.written && b.array).map((b) => b.array!.buffer));
    const bound = new Set<DeviceBuffer>();
    const buffers: GPUBuffer[] = [];
    const offsets: number[] = [];
    /** Written arrays that share a buffer with an earlier written one: computed in a copy, copied back after the pass. */
    const copyBack: [GPUBuffer, DeviceArray][] = [];
    for (const { array, written } of bindings) {
      if (!array) {
        buffers.push(this.dummy);
        offsets.push(0);
      } else if ((!written && writtenBuffers.has(array.buffer)) || (written && bound.has(array.buffer))) {
        const copy = this.temporary(array.size);
        const gpu = (array.buffer as GPUArrayBuffer).gpu;
        if (array.size > 0) encoder.copyBufferToBuffer(gpu, array.offset * 4, copy, 0, array.size * 4);
        if (written) copyBack.push([copy, array]);
        buffers.push(copy);
        offsets.push(0);
      } else {
        if (written) bound.add(array.buffer);
        buffers.push((array.buffer as GPUArrayBuffer).gpu);
        offsets.push(array.offset);
      }
    }
    const key = `${program} ${JSON.stringify(constants)}`;
    const pipeline = this.pipeline(key, program, constants);
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bindGroup(key, pipeline, 0, buffers));
    const parameters = this.parameters(Uint32Array.from([0, count, ...offsets, ...values]));
    const guard = this.guard ? (this.guard.buffer as GPUArrayBuffer).gpu : this.dummy;
    pass.setBindGroup(1, this.bindGroup(key, pipeline, 1, guarded ? [parameters, guard] : [parameters]));
    const groups = Math.ceil(invocations / WORKGROUP);
    const x = Math.min(groups, MAX_GROUPS);
    pass.dispatchWorkgroups(x, Math.ceil(groups / x));
    pass.end();
    for (const [copy, array] of copyBack) {
      if (array.size > 0) encoder.copyBufferToBuffer(copy, 0, (array.buffer as GPUArrayBuffer).gpu, array.offset * 4, array.size * 4);
    }
    if (++this.passes >= MAX_PASSES_PER_SUBMIT) this.flush();
  }

  /**
   * Checks on known values that copies between views at odd offsets keep every bit, that
   * division and square root round the hard cases as the js reference does, and whether
   * the adapter flushes subnormals (in "keep" mode the passes then emulate them, and the
   * check is made again).
   */
  private async selfTest(): Promise<void> {
    const values = Float32Array.from([0, -0, 1, -1, 1 / 3, -2 / 7, 3.4028234e38, -1.1754944e-38, 16777217, 1e-7, -123456.79,
      Infinity, -Infinity, 1e-45]);
    const fail = (what: string) => new WebGPUError(`self-test failed on "${this.adapterDescription}": ${what}`);
    await checkCopies(this, values, fail, (value) => `copied ${value}`);
    let got = await subnormalProduct(this);
    if (this.subnormals === "keep" && got === 0) {
      // The adapter flushes: the passes are made again with EMULATE, which must keep it.
      this.flushesSubnormals = true;
      this.pipelines.clear();
      this.bindGroups.clear();
      got = await subnormalProduct(this);
    }
    const want = rounding(this.subnormals)(2 ** -130);
    if (!Object.is(got, want)) throw fail(`the sigmoid gradient of y = 2^-30, dy = 2^-100 gave ${got}; expected ${want}`);
    await checkHardCases(this, (op, a, b, out) => this.dispatch("arithmetic",
      [{ array: a }, { array: b }, { array: out, written: true }],
      { count: a.size, invocations: a.size, constants: { OP: op === "div" ? 3 : 4 } }), fail);
  }

  /**
   * An array of `size` elements for the intermediate results of one use (`key`), kept
   * between calls: the queue runs passes in order, so a call's pass that writes it comes
   * after the earlier call's passes (and copies) that read it. Its values are what the
   * last user left.
   */
  scratch(key: string, size: number): DeviceArray {
    let array = this.scratchArrays.get(key);
    if (!array || array.size < size) {
      array?.dispose();
      array = DeviceArray.allocate(this, [size]);
      this.scratchArrays.set(key, array);
    }
    return array.view(0, [size]);
  }

  /** Frees the scratch arrays (they are made again when next needed), as WebGL2Device's releaseCaches(). */
  releaseCaches(): void {
    for (const array of this.scratchArrays.values()) array.dispose();
    this.scratchArrays.clear();
  }

  guardedStep(grads: readonly DeviceArray[], step: () => void, report: (counts: readonly number[]) => Error): void {
    const counts = this.scratch("nonFiniteCounts", 1 + grads.length);
    this.kernels.fill!(counts, 0);
    grads.forEach((grad, slot) => this.dispatch("countNonFinite", [{ array: grad }, { array: counts, written: true }],
      { count: grad.size, values: [slot], invocations: grad.size }));
    this.guard = counts;
    try {
      step();
    } finally {
      this.guard = null;
    }
    void this.copyOut(counts).then((values) => {
      const found = new Uint32Array(values.buffer);
      if (found[0] !== 0) this.raised ??= report([...found.subarray(1)]);
    }, () => undefined);
  }

  allocate(size: number): DeviceBuffer {
    if (size > this.maxSize) {
      throw new WebGPUError(`an array of ${size} elements is larger than this adapter's largest storage buffer ` +
        `(${this.maxSize} float32 elements)`);
    }
    // WebGPU zero-fills new buffers.
    return new GPUArrayBuffer(this.createBuffer(size), size);
  }

  release(buffer: DeviceBuffer): void {
    // After the commands that may use it are submitted.
    this.garbage.push((buffer as GPUArrayBuffer).gpu);
    if (!this.encoder) this.flush();
  }

  upload(dst: DeviceArray, values: Float32Array): void {
    // The queue runs writes in the order it gets them: the recorded passes go first.
    this.flush();
    if (values.length > 0) this.gpu.queue.writeBuffer((dst.buffer as GPUArrayBuffer).gpu, dst.offset * 4, values as Float32Array<ArrayBuffer>);
  }

  download(src: DeviceArray): Float32Array {
    throw new SyncReadError(`get() cannot read an array of shape [${src.shape.join(", ")}] on webgpu: WebGPU reads ` +
      "values back only asynchronously; use `await array.read()`");
  }

  /**
   * The values through a mappable copy (the thread does not wait for the GPU); throws
   * what the GPU reported since, and once, the error of a guarded step that found a
   * non-finite gradient.
   */
  async read(src: DeviceArray): Promise<Float32Array> {
    const values = await this.copyOut(src);
    const raised = this.raised;
    if (raised) {
      this.raised = null;
      throw raised;
    }
    return values;
  }

  private async copyOut(src: DeviceArray): Promise<Float32Array> {
    const staging = this.gpu.createBuffer({ size: Math.max(1, src.size) * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    if (src.size > 0) this.commands().copyBufferToBuffer((src.buffer as GPUArrayBuffer).gpu, src.offset * 4, staging, 0, src.size * 4);
    this.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ);
      const values = new Float32Array(staging.getMappedRange().slice(0, src.size * 4));
      staging.unmap();
      if (this.failure) throw new WebGPUError(this.failure);
      return values;
    } finally {
      staging.destroy();
    }
  }
}
