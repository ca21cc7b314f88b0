/**
 * Every elementwise kernel, by name: the table the renderers write for every device
 * (npm run render) and the devices run. Adding a kernel: a definition file here, its
 * line below, `npm run render`; then the module or optimizer that calls it.
 */
import { rmspropGraves } from "./rmspropGraves.js";
import { exp, log, relu, reluBackward, sigmoid, sigmoidBackward, tanh, tanhBackward } from "./activations.js";
import { addScaled } from "./addScaled.js";
import { mseGradient } from "./mseGradient.js";
import type { ElementwiseDefinition } from "./vocabulary.js";

export const DEFINITIONS = {
  rmspropGraves,
  relu, tanh, sigmoid, exp, log,
  reluBackward, tanhBackward, sigmoidBackward,
  addScaled,
  mseGradient,
} as const satisfies Record<string, ElementwiseDefinition>;

export type ElementwiseName = keyof typeof DEFINITIONS;
