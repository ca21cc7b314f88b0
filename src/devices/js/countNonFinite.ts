export function countNonFinite(a: Float32Array): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) count++;
  return count;
}
