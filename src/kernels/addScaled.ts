import { add, elementwise, mul } from "./vocabulary.js";

/** y = y + scale * x: a hook's term added to a gradient (WeightDecay). */
export const addScaled = elementwise("addScaled", {
  doc: "y = y + scale * x",
  inputs: ["x"],
  updates: ["y"],
  scalars: ["scale"],
  body: ({ x, y }, { scale }) => ({ y: add(y, mul(scale, x)) }),
});
