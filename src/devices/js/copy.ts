export function copy(src: Float32Array, dst: Float32Array): void {
  dst.set(src);
}
