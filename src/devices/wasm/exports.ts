/** The exports of the module compiled from assembly/ (pointers are byte addresses). */
export interface WasmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  rmspropGraves(w: number, g: number, mg: number, ms: number, d: number, n: number,
    learnRate: number, alpha: number, b: number, momRate: number, epsilon: number, flush: number): void;
  matmul(a: number, b: number, out: number, bias: number, m: number, k: number, n: number,
    aRow: number, aCol: number, bRow: number, bCol: number, flush: number): void;
  columnSums(a: number, out: number, rows: number, cols: number, flush: number): void;
  activationForward(kind: number, x: number, y: number, n: number, flush: number): void;
  activationBackward(kind: number, y: number, dy: number, dx: number, n: number, flush: number): void;
  mse(pred: number, target: number, grad: number, n: number, flush: number): number;
  fill(a: number, n: number, value: number): void;
  copy(src: number, dst: number, n: number): void;
  addScaled(x: number, y: number, n: number, scale: number, flush: number): void;
  countNonFinite(a: number, n: number): number;
}

/** A kernel's view of the device: its exports, the byte address of an array, and the kernels' flush argument. */
export interface WasmContext {
  readonly exports: WasmExports;
  readonly flush: number;
  ptr(a: { buffer: unknown; offset: number }): number;
}
