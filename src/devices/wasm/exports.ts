import type { Segments } from "../../runtime/Device.js";

/**
 * Elements below which a thread's share of an elementwise kernel is not worth handing
 * out (waking a worker costs tens of microseconds).
 */
export const MIN_PART_ELEMENTS = 1 << 16;

/**
 * Rows of a matrix are owned by the threads in multiples of this (see firstRow): the
 * products' column blocks (eight) and row blocks (four) both divide it.
 */
export const ROW_ALIGN = 8;

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
  /** Threads that run kernels (1 without a pool). */
  readonly threads: number;
  /** Whether every thread has a core of its own (then threads may wait for each other by polling). @internal */
  readonly threadsHaveCores: boolean;
  ptr(a: { buffer: unknown; offset: number }): number;
  /** The address of `bytes` bytes of scratch memory, kept by the device between calls (contents undefined). @internal */
  scratch(bytes: number): number;
  /** `count` items split into ranges for the threads: multiples of `align`, at least `minItems` each. @internal */
  ranges(count: number, align: number, minItems: number): [number, number][];
  /** Where thread t's rows of a `rows`-row matrix start (t = threads: rows), as ranges(rows, ROW_ALIGN, ...) owns them. @internal */
  firstRow(rows: number, t: number): number;
  /**
   * Element ranges for the threads over an array laid out as `segments`, thread by thread
   * (each thread's rows of every matrix, cut at `cuts`, padded to equal counts with empty
   * ranges); null where the array is better split by ranges(). @internal
   */
  ownedRanges(segments: Segments, cuts: readonly number[]): [number, number][] | null;
  /**
   * Flags for `count` blocks of a product split along k (see matmulShare), the value the
   * first share sets, and the call's two claim words (set to no block claimed). @internal
   */
  shareFlags(count: number): { flags: number; base: number; claims: number };
  /** Runs export `name` once per argument list, spread over the threads; returns the results. @internal */
  runParts(name: string, parts: readonly (readonly number[])[]): number[];
  /** The export of arithmetic kernel `name` (exported as `name` and `nameFlush`) in the device's subnormal mode. @internal */
  kernelName(name: string): string;
}
