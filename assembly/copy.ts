/** dst[i] = src[i] for n elements; the ranges may overlap. */
export function copy(src: usize, dst: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}
