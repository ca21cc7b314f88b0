// Adam's bias-corrected rate (src/optimizers/Adam.ts) for steps 1 to 3000 with two sets of
// hyper-parameters: what test/browser/engines.test.ts compares between Node and the browser.
import { adamLearnRate } from "../src/optimizers/Adam.js";

export function adamRatesForTest(): number[] {
  const sets = [{ alpha: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, { alpha: 0.03, beta1: 0.5, beta2: 0.9999, epsilon: 1e-8 }];
  return sets.flatMap((h) => Array.from({ length: 3000 }, (_, i) => adamLearnRate(h, i + 1, 0.75)));
}
