import { exp as expf, log as logf, sigmoid as sigmoidf, tanh as tanhf } from "./math.js";
import { elementwise, gt, mul, select, sub, type Expr } from "./vocabulary.js";

const unary = (name: string, doc: string, f: (x: Expr) => Expr) =>
  elementwise(name, { doc, inputs: ["x"], outputs: ["y"], body: ({ x }) => ({ y: f(x) }) });

/** y = x > 0 ? x : +0 (a NaN x gives +0). */
export const relu = unary("relu", "y = relu(x)", (x) => select(gt(x, 0), x, 0));
export const tanh = unary("tanh", "y = tanh(x)", tanhf);
export const sigmoid = unary("sigmoid", "y = sigmoid(x)", sigmoidf);
export const exp = unary("exp", "y = e^x", expf);
export const log = unary("log", "y = log(x)", logf);

/** dx = dy * f'(x), with f' written in terms of the forward output y. */
const backward = (name: string, doc: string, f: (y: Expr, dy: Expr) => Expr) =>
  elementwise(name, { doc, inputs: ["y", "dy"], outputs: ["dx"], body: ({ y, dy }) => ({ dx: f(y, dy) }) });

/** A select, not a product: a NaN or infinite dy where y <= 0 still gives 0. */
export const reluBackward = backward("reluBackward", "dx = dy * relu'(x), from y = relu(x)", (y, dy) => select(gt(y, 0), dy, 0));
export const tanhBackward = backward("tanhBackward", "dx = dy * (1 - y^2), from y = tanh(x)", (y, dy) => mul(dy, sub(1, mul(y, y))));
export const sigmoidBackward = backward("sigmoidBackward", "dx = (dy * y) * (1 - y), from y = sigmoid(x)",
  (y, dy) => mul(mul(dy, y), sub(1, y)));
