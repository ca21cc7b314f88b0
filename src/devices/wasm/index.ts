import type { Device, DeviceBuffer, KernelTable, Segments, SubnormalMode } from "../../runtime/Device.js";
import type { DeviceArray } from "../../runtime/DeviceArray.js";
import { simdWasm, scalarWasm } from "../../generated/wasm.js";
import { MIN_PART_ELEMENTS, ROW_ALIGN, type WasmContext, type WasmExports } from "./exports.js";
import { Heap } from "./heap.js";
import { unsharedMemoryImport } from "./module.js";
import { ThreadPool } from "../../workers/pool.js";
import { wasmKernels } from "./kernels.js";

class WasmBuffer implements DeviceBuffer {
  disposed = false;
  constructor(readonly ptr: number, readonly size: number) {}
}

/** Why a shared WebAssembly.Memory cannot be made here, or null. */
function sharedMemoryReason(): string | null {
  if (typeof SharedArrayBuffer !== "function") {
    return "SharedArrayBuffer is not available (a page must be cross-origin isolated: served with " +
      "Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)";
  }
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
    return "the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and " +
      "Cross-Origin-Embedder-Policy: require-corp)";
  }
  return null;
}

/** A shared memory for the module and the pool's workers, or why there is none. */
function sharedMemory(): WebAssembly.Memory | string {
  const reason = sharedMemoryReason();
  if (reason) return reason;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  } catch (error) {
    return `a shared WebAssembly.Memory cannot be made here (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** The exports a pool's workers run: every kernel of both subnormal modes. */
function poolKernels(exports: WebAssembly.Exports): string[] {
  return Object.keys(exports).filter((name) => typeof exports[name] === "function" && name !== "heapBase");
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Parts a kernel call is split into per thread, at most (see ranges()). */
const PARTS_PER_THREAD = 4;

/** Most parts ownedRanges() hands out in one call (beyond, ranges() splits the array). */
const MAX_OWNED_PARTS = 256;

/** Pages the module's memory may grow to: 4 GiB, the wasm32 limit (as assembly/ declares it). */
const MAX_PAGES = 65536;

/**
 * The AssemblyScript kernels: `wasm-simd` runs the build with 128-bit SIMD,
 * `wasm` the scalar build of the same source. Both give the bits of the js reference.
 * With threads (a shared memory and a ThreadPool), the big kernels' outputs are split
 * between threads, which changes no output's arithmetic: the same bits for any count.
 */
export class WasmDevice implements Device, WasmContext {
  readonly kernels: KernelTable;
  private readonly heap: Heap;
  private scratchBlock = { ptr: 0, bytes: 0 };
  /** matmulShare's flags: `count` i32s at `flags`, and the last call's base (see shareFlags). */
  private share = { flags: 0, count: 0, base: 0 };
  /** ownedRanges' results by layout, then by thread count and cuts. */
  private readonly owned = new WeakMap<Segments, Map<string, [number, number][] | null>>();

  private constructor(readonly name: "wasm-simd" | "wasm", readonly exports: WasmExports, readonly subnormals: SubnormalMode,
    private readonly pool: ThreadPool | null, private readonly threadsOffReason: string | null) {
    this.heap = new Heap(exports.memory, exports.heapBase());
    this.kernels = wasmKernels(this);
    if (pool) {
      pool.onChange = () => this.poolChanged();
      this.poolChanged();
    }
  }

  /** Takes the pool's thread count and polling (at the start, when it breaks, when its spinMs is set). */
  private poolChanged(): void {
    this.threadCount = this.pool!.threads;
    this.polling = this.threadCount > 1 && this.pool!.polls;
  }

  // Fields the pool keeps current (poolChanged), not reads down to the pool and its control
  // block: every kernel call asks, and those reads cost a small net's step on two threads
  // about 0.5% against one thread (docs/benchmarks.md, Threads).
  private threadCount = 1;
  private polling = false;

  /** Threads that run kernels: 1 where threads are off (see threadsReason). */
  get threads(): number {
    return this.threadCount;
  }

  /** @internal */
  get threadsHaveCores(): boolean {
    return this.polling;
  }

  /** Why the device runs on fewer threads than asked for (none, if it does not). */
  get threadsReason(): string | null {
    return this.pool?.brokenReason ?? this.threadsOffReason;
  }

  /**
   * Splits `count` items into ranges of multiples of `align` items for the threads, at
   * least `minItems` each where there are several; one range without threads. Up to
   * PARTS_PER_THREAD parts per thread, so that a thread that runs ahead takes over the
   * parts of one that runs behind (a busy or slower core); where the items allow, each
   * thread's share (consecutive, see ThreadPool) is cut into parts of shrinking sizes
   * (4:3:2:1), so that the last parts, the ones a call's end waits for, are short.
   * @internal
   */
  ranges(count: number, align: number, minItems: number): [number, number][] {
    const { threads } = this;
    const unit = Math.max(minItems, align);
    const weights = PARTS_PER_THREAD * (PARTS_PER_THREAD + 1) / 2;
    if (threads > 1 && count >= threads * weights * unit) {
      const cut = (x: number) => Math.round(x / align) * align;
      const ranges: [number, number][] = [];
      for (let t = 0; t < threads; t++) {
        const [start, end] = [cut((count * t) / threads), t + 1 === threads ? count : cut((count * (t + 1)) / threads)];
        let weight = 0;
        for (let size = PARTS_PER_THREAD; size >= 1; size--) {
          const from = start + cut(((end - start) * weight) / weights);
          weight += size;
          ranges.push([from, size === 1 ? end : start + cut(((end - start) * weight) / weights)]);
        }
      }
      return ranges;
    }
    const parts = Math.max(1, Math.min(threads > 1 ? threads * PARTS_PER_THREAD : 1, Math.floor(count / unit)));
    const step = Math.ceil(count / parts / align) * align;
    const ranges: [number, number][] = [];
    for (let start = 0; start < count; start += step) ranges.push([start, Math.min(count, start + step)]);
    return ranges.length ? ranges : [[0, 0]];
  }

  /** @internal */
  firstRow(rows: number, t: number): number {
    return t >= this.threads ? rows : Math.round((rows * t) / this.threads / ROW_ALIGN) * ROW_ALIGN;
  }

  /**
   * Thread t takes rows [firstRow(rows, t), firstRow(rows, t + 1)) of every matrix of the
   * array: the rows of a weight that its share of the products reads (matmul's split along
   * k, its column bands of dx = dy·Wᵀ, its row bands of dW), so that the update, the zeroing
   * and the check of the gradient find them in its core's cache, not in the other's. Its
   * ranges are cut at the runs' ends and merged where adjacent; every thread gets as many
   * (empty ones added), so that ThreadPool's own parts of each thread are its ranges. Null
   * on one thread, where the array is below the threads' threshold, and where a segment is
   * not a whole number of rows.
   * @internal
   */
  ownedRanges(segments: Segments, cuts: readonly number[]): [number, number][] | null {
    const { threads } = this;
    const size = segments.length ? segments[segments.length - 1].end : 0;
    if (threads === 1 || size < threads * MIN_PART_ELEMENTS) return null;
    // An optimizer passes the same segments and cuts every step: computed once per layout, thread count and cuts.
    const key = `${threads}:${cuts.join()}`;
    let known = this.owned.get(segments);
    if (!known) this.owned.set(segments, known = new Map());
    if (!known.has(key)) known.set(key, this.computeOwnedRanges(segments, cuts));
    return known.get(key)!;
  }

  private computeOwnedRanges(segments: Segments, cuts: readonly number[]): [number, number][] | null {
    const { threads } = this;
    const owned: [number, number][][] = Array.from({ length: threads }, () => []);
    const boundaries = [...new Set(cuts)].sort((a, b) => a - b);
    let start = 0;
    for (const { end, rows } of segments) {
      const rowLength = (end - start) / rows;
      if (!Number.isInteger(rowLength)) return null;
      for (let t = 0; t < threads; t++) {
        let from = start + this.firstRow(rows, t) * rowLength;
        const to = start + this.firstRow(rows, t + 1) * rowLength;
        const mine = owned[t];
        for (const cut of boundaries) {
          if (cut <= from || cut >= to) continue;
          mine.push([from, cut]);
          from = cut;
        }
        if (from === to) continue;
        const last = mine[mine.length - 1];
        if (last && last[1] === from && !boundaries.includes(from)) last[1] = to;
        else mine.push([from, to]);
      }
      start = end;
    }
    const most = Math.max(...owned.map((ranges) => ranges.length));
    if (most * threads > MAX_OWNED_PARTS) return null;
    return owned.flatMap((ranges) => [...ranges, ...Array.from({ length: most - ranges.length }, (): [number, number] => [0, 0])]);
  }

  /** @internal */
  shareFlags(count: number): { flags: number; base: number; claims: number } {
    const { threads } = this;
    if (this.share.count < count || this.share.base > 0x7fffffff - 2 * threads) {
      if (this.share.flags) this.heap.release(this.share.flags);
      // A new block is zeroed, and every flag a share waits for is above zero; the two claim words follow the flags.
      const most = Math.max(count, this.share.count);
      this.share = { flags: this.heap.allocate((most + 2) * 4), count: most, base: 0 };
    }
    this.share.base += threads;
    const claims = this.share.flags + this.share.count * 4;
    // No block claimed yet, in either word: the next from the front is 0, the end of the unclaimed ones `count`.
    const words = new Int32Array(this.exports.memory.buffer, claims, 2);
    Atomics.store(words, 0, count << 16);
    Atomics.store(words, 1, count << 16);
    return { flags: this.share.flags, base: this.share.base, claims };
  }

  /** Runs export `name` once per argument list: on the pool's threads when there are several. @internal */
  runParts(name: string, parts: readonly (readonly number[])[]): number[] {
    const kernel = (this.exports as unknown as Record<string, (...args: number[]) => number | undefined>)[name];
    if (parts.length > 1 && this.pool && this.threads > 1) return this.pool.run(kernel, name, parts);
    return parts.map((args) => kernel(...args) ?? 0);
  }

  /** The export of arithmetic kernel `name` in this device's subnormal mode. @internal */
  kernelName(name: string): string {
    return this.subnormals === "flush" ? `${name}Flush` : name;
  }

  /** Whether dispose() was called: init() and getDevice() then open a new instance. */
  disposed = false;

  /**
   * Ends the pool's workers (the process exiting ends them too). Arrays on the device
   * stay usable, on one thread; init() and getDevice() open a new instance from then on.
   */
  dispose(): void {
    this.disposed = true;
    this.pool?.dispose();
  }

  /** Why this build cannot run here, or null if it can. */
  static unsupportedReason(simd: boolean): string | null {
    if (typeof WebAssembly !== "object") return "WebAssembly is not available in this JavaScript runtime";
    if (simd && !WebAssembly.validate(decodeBase64(simdWasm))) {
      return "this runtime does not support WebAssembly 128-bit SIMD (the SIMD module fails to validate)";
    }
    return null;
  }

  /**
   * Compiles asynchronously (browsers refuse large synchronous compiles on the main
   * thread). With `threads` > 1 and shared memory available, starts a pool of
   * `threads - 1` workers on a shared memory; otherwise runs on one thread and says why.
   */
  static async create(simd: boolean, subnormals: SubnormalMode, threads: number): Promise<WasmDevice> {
    let bytes = decodeBase64(simd ? simdWasm : scalarWasm);
    const shared = threads > 1 ? sharedMemory() : null;
    let memory: WebAssembly.Memory;
    if (shared instanceof WebAssembly.Memory) {
      memory = shared;
    } else {
      bytes = unsharedMemoryImport(bytes);
      memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES });
    }
    let module: WebAssembly.Module;
    try {
      module = await WebAssembly.compile(bytes);
    } catch (error) {
      throw new Error(`WebAssembly cannot be compiled here (${error instanceof Error ? error.message : String(error)}); ` +
        "a page's Content-Security-Policy needs 'wasm-unsafe-eval' in script-src for it");
    }
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const exports = { ...instance.exports, memory } as unknown as WasmExports;
    const pool = shared instanceof WebAssembly.Memory
      ? await ThreadPool.start(threads, bytes, memory, poolKernels(instance.exports)) : shared;
    return new WasmDevice(simd ? "wasm-simd" : "wasm", exports, subnormals,
      pool instanceof ThreadPool ? pool : null, typeof pool === "string" ? pool : null);
  }

  /** Bytes of WebAssembly memory in use by live arrays, and the memory's size. */
  memoryUsage(): { usedBytes: number; memoryBytes: number } {
    return { usedBytes: this.heap.usedBytes, memoryBytes: this.exports.memory.buffer.byteLength };
  }

  ptr(a: { buffer: unknown; offset: number }): number {
    return (a.buffer as WasmBuffer).ptr + a.offset * 4;
  }

  /** @internal */
  scratch(bytes: number): number {
    if (this.scratchBlock.bytes < bytes) {
      if (this.scratchBlock.ptr) this.heap.release(this.scratchBlock.ptr);
      this.scratchBlock = { ptr: this.heap.allocate(bytes), bytes };
    }
    return this.scratchBlock.ptr;
  }

  allocate(size: number): DeviceBuffer {
    return new WasmBuffer(this.heap.allocate(size * 4), size);
  }

  release(buffer: DeviceBuffer): void {
    this.heap.release((buffer as WasmBuffer).ptr);
  }

  upload(dst: DeviceArray, values: Float32Array): void {
    new Float32Array(this.exports.memory.buffer, this.ptr(dst), dst.size).set(values);
  }

  download(src: DeviceArray): Float32Array {
    return new Float32Array(this.exports.memory.buffer, this.ptr(src), src.size).slice();
  }

  async read(src: DeviceArray): Promise<Float32Array> {
    return this.download(src);
  }
}
