import { add, div, elementwise, mul, sqrt, sub } from "./vocabulary.js";

/**
 * One step of Graves' RMSProp (see RMSPropGraves): `b` is 1 - alpha, rounded once on the
 * host; learnRate and momRate carry the variable's multipliers.
 */
export const rmspropGraves = elementwise("rmspropGraves", {
  doc: "one step of Graves' RMSProp (RMSPropGraves)",
  inputs: ["grad"],
  updates: ["param", "mg", "ms", "delta"],
  scalars: ["learnRate", "alpha", "b", "momRate", "epsilon"],
  body: ({ grad: g, param, mg, ms, delta }, { learnRate, alpha, b, momRate, epsilon }) => {
    const mg1 = add(mul(alpha, mg), mul(b, g));
    const ms1 = add(mul(alpha, ms), mul(b, mul(g, g)));
    const delta1 = sub(mul(momRate, delta), div(mul(learnRate, g), sqrt(add(sub(ms1, mul(mg1, mg1)), epsilon))));
    return { param: add(param, delta1), mg: mg1, ms: ms1, delta: delta1 };
  },
});
