import { div, elementwise, sub } from "./vocabulary.js";

/** PuzzleLib's MSE gradient, grad = (pred - target) / size, with size the element count as a float32. */
export const mseGradient = elementwise("mseGradient", {
  doc: "grad = (pred - target) / size",
  inputs: ["pred", "target"],
  outputs: ["grad"],
  scalars: ["size"],
  body: ({ pred, target }, { size }) => ({ grad: div(sub(pred, target), size) }),
});
