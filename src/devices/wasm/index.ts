import type { DeviceBuffer, SubnormalMode } from "../../device/Device.js";
import { KernelDevice, type KernelTable } from "../../device/KernelDevice.js";
import type { DeviceArray } from "../../device/DeviceArray.js";
import { simdWasm, scalarWasm } from "../../generated/wasm.js";
import { arithmeticKernels, type ArithmeticKernels, type WasmContext, type WasmExports } from "./exports.js";
import { Heap } from "./heap.js";
import { rmspropGraves } from "./rmspropGraves.js";
import { matmul } from "./matmul.js";
import { columnSums } from "./columnSums.js";
import { activationBackward, activationForward } from "./activation.js";
import { mse } from "./mse.js";
import { fill } from "./fill.js";
import { copy } from "./copy.js";
import { addScaled } from "./addScaled.js";
import { countNonFinite } from "./countNonFinite.js";

class WasmBuffer implements DeviceBuffer {
  disposed = false;
  constructor(readonly ptr: number, readonly size: number) {}
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The AssemblyScript kernels: `wasm-simd` runs the build with 128-bit SIMD,
 * `wasm` the scalar build of the same source. Both give the bits of the js reference.
 */
export class WasmDevice extends KernelDevice<WasmDevice> implements WasmContext {
  protected readonly kernels: KernelTable<WasmDevice> = {
    rmspropGraves, matmul, columnSums, activationForward, activationBackward, mse, fill, copy, addScaled, countNonFinite,
  };
  private readonly heap: Heap;
  private scratchBlock = { ptr: 0, bytes: 0 };
  readonly arithmetic: ArithmeticKernels;

  private constructor(readonly name: "wasm-simd" | "wasm", readonly exports: WasmExports, subnormals: SubnormalMode) {
    super(subnormals);
    this.heap = new Heap(exports.memory, exports.heapBase());
    this.arithmetic = arithmeticKernels(exports as unknown as Record<string, unknown>, subnormals === "flush");
  }

  /** Why this build cannot run here, or null if it can. */
  static unsupportedReason(simd: boolean): string | null {
    if (typeof WebAssembly !== "object") return "WebAssembly is not available in this JavaScript runtime";
    if (simd && !WebAssembly.validate(decodeBase64(simdWasm))) {
      return "this runtime does not support WebAssembly 128-bit SIMD (the SIMD module fails to validate)";
    }
    return null;
  }

  /** Compiles asynchronously: browsers refuse large synchronous compiles on the main thread. */
  static async create(simd: boolean, subnormals: SubnormalMode): Promise<WasmDevice> {
    let module: WebAssembly.Module;
    try {
      module = await WebAssembly.compile(decodeBase64(simd ? simdWasm : scalarWasm));
    } catch (error) {
      throw new Error(`WebAssembly cannot be compiled here (${error instanceof Error ? error.message : String(error)}); ` +
        "a page's Content-Security-Policy needs 'wasm-unsafe-eval' in script-src for it");
    }
    const instance = await WebAssembly.instantiate(module, {});
    return new WasmDevice(simd ? "wasm-simd" : "wasm", instance.exports as unknown as WasmExports, subnormals);
  }

  /** Bytes of WebAssembly memory in use by live arrays, and the memory's size. */
  memoryUsage(): { usedBytes: number; memoryBytes: number } {
    return { usedBytes: this.heap.usedBytes, memoryBytes: this.exports.memory.buffer.byteLength };
  }

  ptr(a: { buffer: unknown; offset: number }): number {
    return (a.buffer as WasmBuffer).ptr + a.offset * 4;
  }

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
}
