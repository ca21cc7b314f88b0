/**
 * The steps of PuzzleLib's optimizers (its Cuda/Kernels/ElementWise.py), in this
 * package's convention: `grad` is g = dE/dw and the step goes downhill, where PuzzleLib's
 * costs give G = -g and its kernels add. Each formula is PuzzleLib's with G = -g put in:
 * products and quotients with one factor G change sign exactly (x*(-g) = -(x*g)), so
 * `w + lr*G` is `w - lr*g` to the bit, and products of two G's (G*G) stay as they are.
 * A state that is a mean of G (Adam's and SMORMS3's mg) is the mean of g here: PuzzleLib's
 * value negated. Scalars derived from hyper-parameters (1 - factor, the bias correction,
 * a variable's multipliers) are computed once on the host (src/optimizers/).
 */
import { add, div, elementwise, min, mul, sqrt, sub } from "./vocabulary.js";

/** SGD: w = w - lr*g. */
export const sgd = elementwise("sgd", {
  doc: "one step of SGD",
  inputs: ["grad"], updates: ["param"], scalars: ["learnRate"],
  body: ({ grad: g, param }, { learnRate }) => ({ param: sub(param, mul(learnRate, g)) }),
});

/** MomentumSGD: mom = momRate*mom - lr*g, w = w + mom (mom is the step, as in PuzzleLib). */
export const momentumSGD = elementwise("momentumSGD", {
  doc: "one step of SGD with classical momentum (MomentumSGD)",
  inputs: ["grad"], updates: ["param", "mom"], scalars: ["learnRate", "momRate"],
  body: ({ grad: g, param, mom }, { learnRate, momRate }) => {
    const mom1 = sub(mul(momRate, mom), mul(learnRate, g));
    return { param: add(param, mom1), mom: mom1 };
  },
});

/**
 * NesterovSGD: w = w + (momRate^2*mom - ((1 + momRate)*lr)*g), then mom = momRate*mom - lr*g;
 * momRate^2 and (1 + momRate)*lr come from the host.
 */
export const nesterovSGD = elementwise("nesterovSGD", {
  doc: "one step of SGD with Nesterov momentum (NesterovSGD)",
  inputs: ["grad"], updates: ["param", "mom"], scalars: ["learnRate", "momRate", "momRate2", "nesterovRate"],
  body: ({ grad: g, param, mom }, { learnRate, momRate, momRate2, nesterovRate }) => ({
    param: add(param, sub(mul(momRate2, mom), mul(nesterovRate, g))),
    mom: sub(mul(momRate, mom), mul(learnRate, g)),
  }),
});

/** RMSProp: ms = factor*ms + ((1 - factor)*g)*g, w = w - (lr*g) / (sqrt(ms) + epsilon). */
export const rmsprop = elementwise("rmsprop", {
  doc: "one step of RMSProp",
  inputs: ["grad"], updates: ["param", "ms"], scalars: ["learnRate", "factor", "oneMinusFactor", "epsilon"],
  body: ({ grad: g, param, ms }, { learnRate, factor, oneMinusFactor, epsilon }) => {
    const ms1 = add(mul(factor, ms), mul(mul(oneMinusFactor, g), g));
    return { param: sub(param, div(mul(learnRate, g), add(sqrt(ms1), epsilon))), ms: ms1 };
  },
});

/**
 * Adam: mg = mg + fix1*(g - mg), ms = ms + fix2*(g*g - ms), w = w - (lr*mg) / (sqrt(ms) + epsilon),
 * with fix1 = 1 - beta1, fix2 = 1 - beta2 and lr the bias-corrected rate, from the host.
 */
export const adam = elementwise("adam", {
  doc: "one step of Adam",
  inputs: ["grad"], updates: ["param", "mg", "ms"], scalars: ["learnRate", "fix1", "fix2", "epsilon"],
  body: ({ grad: g, param, mg, ms }, { learnRate, fix1, fix2, epsilon }) => {
    const mg1 = add(mg, mul(fix1, sub(g, mg)));
    const ms1 = add(ms, mul(fix2, sub(mul(g, g), ms)));
    return { param: sub(param, div(mul(learnRate, mg1), add(sqrt(ms1), epsilon))), mg: mg1, ms: ms1 };
  },
});

/** AdaGrad: h = h + g*g, w = w - (lr*g) / (sqrt(h) + epsilon). */
export const adagrad = elementwise("adagrad", {
  doc: "one step of AdaGrad",
  inputs: ["grad"], updates: ["param", "h"], scalars: ["learnRate", "epsilon"],
  body: ({ grad: g, param, h }, { learnRate, epsilon }) => {
    const h1 = add(h, mul(g, g));
    return { param: sub(param, div(mul(learnRate, g), add(sqrt(h1), epsilon))), h: h1 };
  },
});

/**
 * AdaDelta: msg = msg + (1 - rho)*(g*g - msg), dx = sqrt((msdx + epsilon) / (msg + epsilon))*g,
 * msdx = msdx + (1 - rho)*(dx*dx - msdx), w = w - dx.
 */
export const adadelta = elementwise("adadelta", {
  doc: "one step of AdaDelta",
  inputs: ["grad"], updates: ["param", "msg", "msdx"], scalars: ["oneMinusRho", "epsilon"],
  body: ({ grad: g, param, msg, msdx }, { oneMinusRho, epsilon }) => {
    const msg1 = add(msg, mul(oneMinusRho, sub(mul(g, g), msg)));
    const dx = mul(sqrt(div(add(msdx, epsilon), add(msg1, epsilon))), g);
    return { param: sub(param, dx), msg: msg1, msdx: add(msdx, mul(oneMinusRho, sub(mul(dx, dx), msdx))) };
  },
});

/**
 * SMORMS3 (Funk 2015): r = 1/(mem + 1), mg = (1 - r)*mg + r*g, ms = (1 - r)*ms + (r*g)*g,
 * x = (mg*mg) / (ms + epsilon), mem = 1 + mem*(1 - x), w = w - (g*min(lr, x)) / (sqrt(ms) + epsilon).
 */
export const smorms3 = elementwise("smorms3", {
  doc: "one step of SMORMS3",
  inputs: ["grad"], updates: ["param", "mem", "mg", "ms"], scalars: ["learnRate", "epsilon"],
  body: ({ grad: g, param, mem, mg, ms }, { learnRate, epsilon }) => {
    const r = div(1, add(mem, 1));
    const keep = sub(1, r);
    const mg1 = add(mul(keep, mg), mul(r, g));
    const ms1 = add(mul(keep, ms), mul(mul(r, g), g));
    const x = div(mul(mg1, mg1), add(ms1, epsilon));
    return {
      param: sub(param, div(mul(g, min(learnRate, x)), add(sqrt(ms1), epsilon))),
      mem: add(1, mul(mem, sub(1, x))), mg: mg1, ms: ms1,
    };
  },
});
