/**
 * Elements below which a thread's share of an elementwise kernel is not worth handing
 * out (waking a worker costs tens of microseconds).
 */
export const MIN_PART_ELEMENTS = 1 << 16;

/**
 * The exports of the module compiled from assembly/ (pointers are byte addresses) that
 * are called directly; the kernels run through runParts(), by name.
 */
export interface WasmExports {
  /** The module's WebAssembly.Memory, typed by what is used, so that the published types need no WebAssembly lib. */
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
  copy(src: number, dst: number, n: number): void;
}

/** A kernel's view of the device: its exports, the byte address of an array, and how to run a kernel's parts. */
export interface WasmContext {
  readonly exports: WasmExports;
  ptr(a: { buffer: unknown; offset: number }): number;
  /** The address of `bytes` bytes of scratch memory, kept by the device between calls (contents undefined). @internal */
  scratch(bytes: number): number;
  /** `count` items split into ranges for the threads: multiples of `align`, at least `minItems` each. @internal */
  ranges(count: number, align: number, minItems: number): [number, number][];
  /** Runs export `name` once per argument list, spread over the threads; returns the results. @internal */
  runParts(name: string, parts: readonly (readonly number[])[]): number[];
  /** The export of arithmetic kernel `name` (exported as `name` and `nameFlush`) in the device's subnormal mode. @internal */
  kernelName(name: string): string;
}
