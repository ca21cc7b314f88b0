// TensorFlow.js contenders: its centered RMSProp and the same nets, on a named backend.
import * as tf from "@tensorflow/tfjs";

/**
 * tf.train.rmsprop(lr, 0.95, 0.9, eps, centered=true). TF.js's centered mode computes
 * sqrt(ms - (mg^2 + eps)) (it subtracts epsilon), so it gets -eps to compute what
 * RMSPropGraves computes: sqrt(ms - mg^2 + eps).
 */
export function tfjsUpdate(size: number) {
  const variable = tf.variable(tf.randomNormal([size]));
  const grad = tf.randomNormal([size]);
  const optimizer = tf.train.rmsprop(0.01, 0.95, 0.9, -1e-4, true);
  return {
    run: () => optimizer.applyGradients([{ name: variable.name, tensor: grad }]),
    sync: async () => void (await variable.data()),
    dispose: () => {
      variable.dispose();
      grad.dispose();
      optimizer.dispose();
    },
  };
}

/** TF.js's version of each optimizer of the family it has, at the rates of the Node benchmark. */
export const TFJS_OPTIMIZERS: Record<string, () => tf.Optimizer> = {
  SGD: () => tf.train.sgd(0.01),
  MomentumSGD: () => tf.train.momentum(0.01, 0.9),
  NesterovSGD: () => tf.train.momentum(0.01, 0.9, true),
  RMSProp: () => tf.train.rmsprop(0.01, 0.9, 0, 1e-5),
  Adam: () => tf.train.adam(0.01, 0.9, 0.999, 1e-8),
  AdaGrad: () => tf.train.adagrad(0.01),
  AdaDelta: () => tf.train.adadelta(1, 0.95, 1e-6),
  RMSPropGraves: () => tf.train.rmsprop(0.01, 0.95, 0.9, -1e-4, true),
};

/** applyGradients of one of TFJS_OPTIMIZERS on `size` parameters. */
export function tfjsOptimizerUpdate(name: string, size: number) {
  const variable = tf.variable(tf.randomNormal([size]));
  const grad = tf.mul(tf.randomNormal([size]), 1e-2);
  const optimizer = TFJS_OPTIMIZERS[name]();
  return {
    run: () => optimizer.applyGradients([{ name: variable.name, tensor: grad }]),
    sync: async () => void (await variable.data()),
    dispose: () => [variable, grad, optimizer].forEach((x) => x.dispose()),
  };
}

/** One training step (forward, MSE, backward, update) of a relu MLP with TF.js's centered RMSProp. */
export function tfjsTrainStep(sizes: number[], batch: number) {
  const data = tf.randomNormal([batch, sizes[0]]);
  const target = tf.randomNormal([batch, sizes[sizes.length - 1]]);
  const weights = sizes.slice(1).map((out, i) => ({
    W: tf.variable(tf.randomNormal([sizes[i], out], 0, Math.sqrt(2 / (sizes[i] + out)))),
    b: tf.variable(tf.zeros([out])),
  }));
  const optimizer = tf.train.rmsprop(0.001, 0.95, 0.9, -1e-4, true);
  const loss = () => tf.tidy(() => {
    let x: tf.Tensor = data;
    weights.forEach(({ W, b }, i) => {
      x = tf.add(tf.matMul(x, W), b);
      if (i < weights.length - 1) x = tf.relu(x);
    });
    return tf.div(tf.sum(tf.square(tf.sub(x, target))), 2 * target.size) as tf.Scalar;
  });
  let last: tf.Scalar | null = null;
  return {
    run: () => {
      last?.dispose();
      last = optimizer.minimize(loss, true);
    },
    sync: async () => void (await last?.data()),
  };
}

/**
 * The Fashion-MNIST MLP's step in TF.js: 784-256-10, relu, dropout 0.2, softmax
 * cross-entropy against one-hot labels, its centered RMSProp; the batch uploaded per step.
 */
export function tfjsClassifierStep(images: Float32Array, labels: Int32Array) {
  const n = labels.length;
  const layers = [[784, 256], [256, 10]].map(([i, o]) => ({
    W: tf.variable(tf.randomUniform([i, o], -Math.sqrt(6 / (i + o)), Math.sqrt(6 / (i + o)))),
    b: tf.variable(tf.zeros([o])),
  }));
  const optimizer = tf.train.rmsprop(1e-4, 0.95, 0.9, -1e-4, true);
  const onehot = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
  let last: tf.Scalar | null = null;
  return {
    run: () => {
      last?.dispose();
      const x = tf.tensor2d(images, [n, 784]);
      last = optimizer.minimize(() => tf.tidy(() => {
        const hidden = tf.dropout(tf.relu(tf.add(tf.matMul(x, layers[0].W), layers[0].b)), 0.2);
        const scores = tf.add(tf.matMul(hidden, layers[1].W), layers[1].b);
        return tf.losses.softmaxCrossEntropy(onehot, scores) as tf.Scalar;
      }), true);
      x.dispose();
    },
    sync: async () => void (await last?.data()),
  };
}

/**
 * The Fashion-MNIST example's CNN in TF.js (conv 1→16 5×5 "same", batch norm over the
 * batch, relu, 2×2 max-pool, conv 16→32 5×5, batch norm, relu, max-pool, dense 1568→10),
 * softmax cross-entropy against one-hot labels, its centered RMSProp at 1e-3; NHWC, TF.js's
 * own layout (ours and jax-js's are NCHW); the batch uploaded per step.
 */
export function tfjsCnnStep(images: Float32Array, labels: Int32Array) {
  const n = labels.length;
  const glorot = (shape: number[], fans: number) => tf.variable(tf.randomUniform(shape, -Math.sqrt(6 / fans), Math.sqrt(6 / fans)));
  const conv = (inmaps: number, outmaps: number) => ({
    W: glorot([5, 5, inmaps, outmaps], (inmaps + outmaps) * 25), b: tf.variable(tf.zeros([outmaps])),
    scale: tf.variable(tf.ones([outmaps])), bias: tf.variable(tf.zeros([outmaps])),
  });
  const [conv1, conv2] = [conv(1, 16), conv(16, 32)];
  const dense = { W: glorot([1568, 10], 1568 + 10), b: tf.variable(tf.zeros([10])) };
  const block = (x: tf.Tensor4D, c: typeof conv1): tf.Tensor4D => {
    const y = tf.add(tf.conv2d(x, c.W as tf.Tensor4D, 1, "same"), c.b) as tf.Tensor4D;
    const { mean, variance } = tf.moments(y, [0, 1, 2]);
    const normalized = tf.batchNorm(y, mean, variance, c.bias, c.scale, 1e-5) as tf.Tensor4D;
    return tf.maxPool(tf.relu(normalized), 2, 2, "valid");
  };
  const optimizer = tf.train.rmsprop(1e-3, 0.95, 0.9, -1e-4, true);
  const onehot = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
  let last: tf.Scalar | null = null;
  return {
    run: () => {
      last?.dispose();
      const x = tf.tensor4d(images, [n, 28, 28, 1]);
      last = optimizer.minimize(() => tf.tidy(() => {
        const h = tf.reshape(block(block(x, conv1), conv2), [n, 1568]);
        return tf.losses.softmaxCrossEntropy(onehot, tf.add(tf.matMul(h, dense.W), dense.b)) as tf.Scalar;
      }), true);
      x.dispose();
    },
    sync: async () => void (await last?.data()),
  };
}

/**
 * A TF.js contender on `backend`: every run first makes that backend current, since
 * the contenders of one measurement take turns.
 */
export async function onBackend(backend: string, create: () => { run(): unknown; sync(): Promise<void>; dispose?(): void }) {
  await tf.setBackend(backend);
  await tf.ready();
  const inner = create();
  return {
    name: `TF.js ${backend}`,
    run: async () => {
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
      inner.run();
    },
    sync: inner.sync,
    dispose: () => inner.dispose?.(),
  };
}

export { tf };
