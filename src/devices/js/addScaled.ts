const f = Math.fround;

/** y = y + scale * x, one rounding per operation. */
export function addScaled(x: Float32Array, y: Float32Array, scale: number): void {
  for (let i = 0; i < x.length; i++) y[i] = f(y[i] + f(scale * x[i]));
}
