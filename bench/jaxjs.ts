// jax-js contenders: the same nets (relu MLPs with MSE, the Fashion-MNIST MLP and CNN with
// softmax cross-entropy) and optimizer (SGD or Adam, written in its ops) as one jit-compiled
// training step, valueAndGrad inside, on a named jax-js device.
import { numpy as np, nn, lax, jit, valueAndGrad, init, defaultDevice, tree, type Device } from "@jax-js/jax";
import { randn } from "../src/index.js";

type Layer = { W: np.Array; b: np.Array };
type Params = Layer[];

/** Glorot-uniform weights and zero biases, from randn's seeded values (the same draw every run). */
function initialParams(sizes: number[]): Params {
  return sizes.slice(1).map((out, i) => {
    const bound = Math.sqrt(6 / (sizes[i] + out));
    const values = randn([sizes[i] * out], i + 1).map((v) => Math.tanh(v) * bound);
    return { W: np.array(values).reshape([sizes[i], out]), b: np.zeros([out]) };
  });
}

function mse(params: Params, x: np.Array, y: np.Array): np.Array {
  let h = x;
  params.forEach(({ W, b }, i) => {
    h = np.matmul(h, W).add(b);
    if (i < params.length - 1) h = np.maximum(h, 0);
  });
  const size = y.size;
  const d = h.sub(y);
  return d.ref.mul(d).sum().div(2 * size);
}

/** Opens jax-js `device` ("cpu", "wasm", "webgl"); false where it cannot run here. */
export async function jaxDevice(device: Device): Promise<boolean> {
  const available = await init(device);
  if (!available.includes(device)) return false;
  defaultDevice(device);
  return true;
}

/**
 * One jit-compiled step of `optimizer` on a relu MLP with MSE: SGD (w -= lr*g) or Adam
 * (the bias correction folded into the rate on the host, as ours does), all in jax-js ops.
 */
export function jaxTrainStep(device: Device, sizes: number[], batch: number, optimizer: "sgd" | "adam", learnRate: number) {
  defaultDevice(device);
  let params = initialParams(sizes);
  let mg = params.map(({ W, b }) => ({ W: np.zerosLike(W.ref), b: np.zerosLike(b.ref) }));
  let ms = params.map(({ W, b }) => ({ W: np.zerosLike(W.ref), b: np.zerosLike(b.ref) }));
  const x = np.array(randn([batch * sizes[0]], 1)).reshape([batch, sizes[0]]);
  const y = np.array(randn([batch * sizes.at(-1)!], 2)).reshape([batch, sizes.at(-1)!]);
  const sgd = jit((p: Params, xs: np.Array, ys: np.Array) => {
    const [loss, grads] = valueAndGrad(mse)(tree.ref(p), xs, ys);
    const next = p.map((layer, i) => ({ W: layer.W.sub(grads[i].W.mul(learnRate)), b: layer.b.sub(grads[i].b.mul(learnRate)) }));
    return [loss, next] as [np.Array, Params];
  });
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const adam = jit((p: Params, m: Params, v: Params, xs: np.Array, ys: np.Array, rate: np.Array) => {
    const [loss, grads] = valueAndGrad(mse)(tree.ref(p), xs, ys);
    const m1 = m.map((layer, i) => ({
      W: layer.W.mul(b1).add(grads[i].W.ref.mul(1 - b1)), b: layer.b.mul(b1).add(grads[i].b.ref.mul(1 - b1)),
    }));
    const v1 = v.map((layer, i) => ({
      W: layer.W.mul(b2).add(grads[i].W.ref.mul(grads[i].W).mul(1 - b2)),
      b: layer.b.mul(b2).add(grads[i].b.ref.mul(grads[i].b).mul(1 - b2)),
    }));
    const step = (w: np.Array, mm: np.Array, vv: np.Array) => w.sub(rate.ref.mul(mm).div(np.sqrt(vv).add(eps)));
    const next = p.map((layer, i) => ({
      W: step(layer.W, m1[i].W.ref, v1[i].W.ref), b: step(layer.b, m1[i].b.ref, v1[i].b.ref),
    }));
    rate.dispose();
    return [loss, next, m1, v1] as [np.Array, Params, Params, Params];
  });
  let t = 0;
  let last: np.Array | null = null;
  return {
    run: () => {
      defaultDevice(device);
      last?.dispose();
      if (optimizer === "sgd") {
        [last, params] = sgd(params, x.ref, y.ref);
      } else {
        t++;
        const rate = np.array(learnRate * Math.sqrt(1 - b2 ** t) / (1 - b1 ** t));
        [last, params, mg, ms] = adam(params, mg, ms, x.ref, y.ref, rate);
      }
    },
    sync: async () => void (await params[0].W.ref.data()),
    /** The first layer's weights now, for the reproducibility comparison. */
    weights: async () => (await params[0].W.ref.data()) as Float32Array,
  };
}

/**
 * The Fashion-MNIST MLP's step in jax-js (784-256-10, relu, softmax cross-entropy through
 * nn.logSoftmax against one-hot labels, SGD; no dropout), the batch uploaded per step as
 * ours is, jit-compiled with valueAndGrad inside.
 */
export function jaxClassifierStep(device: Device, images: Float32Array, labels: Int32Array, learnRate: number) {
  defaultDevice(device);
  const n = labels.length;
  let params = initialParams([784, 256, 10]);
  const onehot = nn.oneHot(np.array(labels, { dtype: np.int32 }), 10);
  const crossEntropy = (p: Params, x: np.Array, y: np.Array) => {
    const hidden = np.maximum(np.matmul(x, p[0].W).add(p[0].b), 0);
    const scores = np.matmul(hidden, p[1].W).add(p[1].b);
    return nn.logSoftmax(scores).mul(y).sum().mul(-1 / n);
  };
  const sgd = jit((p: Params, xs: np.Array, ys: np.Array) => {
    const [loss, grads] = valueAndGrad(crossEntropy)(tree.ref(p), xs, ys);
    const next = p.map((layer, i) => ({ W: layer.W.sub(grads[i].W.mul(learnRate)), b: layer.b.sub(grads[i].b.mul(learnRate)) }));
    return [loss, next] as [np.Array, Params];
  });
  let last: np.Array | null = null;
  return {
    run: () => {
      defaultDevice(device);
      last?.dispose();
      const x = np.array(images).reshape([n, 784]);
      [last, params] = sgd(params, x, onehot.ref);
    },
    sync: async () => void (await params[0].W.ref.data()),
  };
}

type ConvParams = { W: np.Array; b: np.Array };
type NormParams = { scale: np.Array; bias: np.Array };
type CnnParams = { conv1: ConvParams; norm1: NormParams; conv2: ConvParams; norm2: NormParams; dense: Layer };

/** Glorot-uniform values of `count` weights with fan sum `fans`, from randn's seeded values. */
const glorot = (shape: number[], fans: number, seed: number) => {
  const bound = Math.sqrt(6 / fans);
  return np.array(randn([shape.reduce((a, b) => a * b)], seed).map((v) => Math.tanh(v) * bound)).reshape(shape);
};

/** Training-mode batch normalization over the maps of an NCHW array (biased variance), then scale and bias. */
function batchNorm(x: np.Array, { scale, bias }: NormParams): np.Array {
  const mean = np.mean(x.ref, [0, 2, 3], { keepdims: true });
  const centered = x.sub(mean);
  const variance = np.mean(centered.ref.mul(centered.ref), [0, 2, 3], { keepdims: true });
  return centered.div(np.sqrt(variance.add(1e-5))).mul(scale).add(bias);
}

/** 2×2 max-pooling with stride 2 of an NCHW array with even height and width. */
function maxPool2(x: np.Array): np.Array {
  const [n, c, h, w] = x.shape;
  return np.max(x.reshape([n, c, h / 2, 2, w / 2, 2]), [3, 5]);
}

/**
 * The Fashion-MNIST example's CNN in jax-js (Conv2D 1→16 5×5 pad 2, BatchNorm2D, relu,
 * 2×2 max-pool, Conv2D 16→32 5×5 pad 2, BatchNorm2D, relu, max-pool, dense 1568→10; NCHW
 * as ours), softmax cross-entropy through nn.logSoftmax against one-hot labels, SGD; the
 * batch uploaded per step, jit-compiled with valueAndGrad inside.
 */
export function jaxCnnStep(device: Device, images: Float32Array, labels: Int32Array, learnRate: number) {
  defaultDevice(device);
  const n = labels.length;
  let params: CnnParams = {
    conv1: { W: glorot([16, 1, 5, 5], (1 + 16) * 25, 1), b: np.zeros([1, 16, 1, 1]) },
    norm1: { scale: np.ones([1, 16, 1, 1]), bias: np.zeros([1, 16, 1, 1]) },
    conv2: { W: glorot([32, 16, 5, 5], (16 + 32) * 25, 3), b: np.zeros([1, 32, 1, 1]) },
    norm2: { scale: np.ones([1, 32, 1, 1]), bias: np.zeros([1, 32, 1, 1]) },
    dense: { W: glorot([1568, 10], 1568 + 10, 5), b: np.zeros([10]) },
  };
  const onehot = nn.oneHot(np.array(labels, { dtype: np.int32 }), 10);
  const same = [[2, 2], [2, 2]] as [number, number][];
  const crossEntropy = (p: CnnParams, x: np.Array, y: np.Array) => {
    let h = lax.conv(x, p.conv1.W, [1, 1], same).add(p.conv1.b);
    h = maxPool2(np.maximum(batchNorm(h, p.norm1), 0));
    h = lax.conv(h, p.conv2.W, [1, 1], same).add(p.conv2.b);
    h = maxPool2(np.maximum(batchNorm(h, p.norm2), 0));
    const scores = np.matmul(h.reshape([n, 1568]), p.dense.W).add(p.dense.b);
    return nn.logSoftmax(scores).mul(y).sum().mul(-1 / n);
  };
  const sgd = jit((p: CnnParams, xs: np.Array, ys: np.Array) => {
    const [loss, grads] = valueAndGrad(crossEntropy)(tree.ref(p), xs, ys);
    return [loss, tree.map((w: np.Array, g: np.Array) => w.sub(g.mul(learnRate)), p, grads)] as [np.Array, CnnParams];
  });
  let last: np.Array | null = null;
  return {
    run: () => {
      defaultDevice(device);
      last?.dispose();
      const x = np.array(images).reshape([n, 1, 28, 28]);
      [last, params] = sgd(params, x, onehot.ref);
    },
    sync: async () => void (await params.dense.W.ref.data()),
  };
}
