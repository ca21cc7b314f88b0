export function fill(a: Float32Array, value: number): void {
  a.fill(value);
}
