import type { GravesScalars, SubnormalMode } from "../../runtime/Device.js";
import { rounding } from "./rounding.js";

/**
 * The reference Graves step (see RMSPropGraves for the equation): one float32
 * rounding per operation, in the documented order. Math.sqrt and `/` on float32
 * inputs rounded back to float32 equal the float32 operations (double rounding is
 * harmless for +, -, *, / and sqrt from 24 to 53 bits), so this gives WebAssembly's bits.
 */
export function rmspropGraves(w: Float32Array, g: Float32Array, mg: Float32Array, ms: Float32Array,
  d: Float32Array, s: GravesScalars, subnormals: SubnormalMode = "keep"): void {
  const f = rounding(subnormals);
  const [learnRate, alpha, b, momRate, epsilon] = [s.learnRate, s.alpha, s.b, s.momRate, s.epsilon].map(f);
  for (let i = 0; i < w.length; i++) {
    const gi = f(g[i]);
    const mgi = f(f(alpha * f(mg[i])) + f(b * gi));
    const msi = f(f(alpha * f(ms[i])) + f(b * f(gi * gi)));
    const root = f(Math.sqrt(f(f(msi - f(mgi * mgi)) + epsilon)));
    const di = f(f(momRate * f(d[i])) - f(f(learnRate * gi) / root));
    mg[i] = mgi;
    ms[i] = msi;
    d[i] = di;
    w[i] = f(f(w[i]) + di);
  }
}
