// The Fashion-MNIST example's models and training loop, shared by examples/fashion-mnist.ts
// and the browser test that trains them on webgl2 (test/browser/fashionMnist.test.ts).
import {
  gpuarray, Sequential, Linear, Activation, relu, Dropout, CrossEntropy, RMSPropGraves, Random,
  Conv2D, MaxPool2D, BatchNorm2D, Flatten, type ImageSet, type Module, type Trace,
} from "portable-optim";

export const PIXELS = 784;

/** The example's two models. */
export type ModelName = "mlp" | "cnn";

interface Model {
  net: Module;
  /** One image's shape as the net takes it. */
  image: number[];
  learnRate: number;
  /** Images per forward pass when testing (the CNN's patches of 1,000 images would take 300 MB). */
  testChunk: number;
}

const MODELS: Record<ModelName, () => Model> = {
  /** 784-256-10, relu, Dropout 0.2. */
  mlp: () => ({
    net: new Sequential([
      new Linear(PIXELS, 256, { seed: 1 }),
      new Activation(relu),
      new Dropout({ p: 0.2, seed: 2 }),
      new Linear(256, 10, { seed: 3 }),
    ]),
    image: [PIXELS], learnRate: 1e-4, testChunk: 1000,
  }),
  /**
   * TF.js's MNIST CNN (conv 5×5 → max-pool → conv 5×5 → max-pool → dense) with twice its
   * maps, "same" padding and BatchNorm2D after each convolution.
   */
  cnn: () => ({
    net: new Sequential([
      new Conv2D(1, 16, 5, { pad: 2, seed: 1 }),
      new BatchNorm2D(16, { seed: 2 }),
      new Activation(relu),
      new MaxPool2D(2, 2),
      new Conv2D(16, 32, 5, { pad: 2, seed: 3 }),
      new BatchNorm2D(32, { seed: 4 }),
      new Activation(relu),
      new MaxPool2D(2, 2),
      new Flatten(),
      new Linear(32 * 7 * 7, 10, { seed: 5 }),
    ]),
    image: [1, 28, 28], learnRate: 1e-3, testChunk: 100,
  }),
};

/** The model, softmax cross-entropy, RMSPropGraves on global state; every seed fixed. */
export function classifier(batch: number, name: ModelName = "mlp") {
  const { net, image, learnRate, testChunk } = MODELS[name]();
  const optimizer = new RMSPropGraves({ learnRate });
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new CrossEntropy();
  const data = gpuarray.zeros([batch, ...image]);
  const rows = new Float32Array(batch * PIXELS);
  const labels = new Int32Array(batch);
  const random = new Random(4);
  let order: Int32Array | null = null;
  let trace: Trace | null = null;
  return {
    net, loss,
    /** Records a trace of the training from here on (see docs/traces.md), errors included. */
    trace(): Trace {
      trace = optimizer.trace();
      return trace;
    },
    /**
     * One epoch over the first `count` training images in a fresh permutation (Fisher-Yates
     * from a seeded generator), the last partial batch left out; returns the mean error.
     */
    epoch(train: ImageSet, count: number): number {
      order ??= Int32Array.from({ length: count }, (_, i) => i);
      for (let i = count - 1; i > 0; i--) {
        const j = random.nextUint32() % (i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      const steps = Math.floor(count / batch);
      let sum = 0;
      for (let step = 0; step < steps; step++) {
        for (let r = 0; r < batch; r++) {
          const image = order[step * batch + r];
          rows.set(train.images.subarray(image * PIXELS, (image + 1) * PIXELS), r * PIXELS);
          labels[r] = train.labels[image];
        }
        data.set(rows);
        const [error, grad] = loss.compute(net.forward(data), labels);
        trace?.error(error);
        optimizer.zeroGradParams();
        net.backward(grad, { updGrad: false });
        optimizer.update();
        sum += error;
      }
      return sum / steps;
    },
    /** Test accuracy in evaluation mode (no dropout, BatchNorm2D's running statistics). */
    accuracy(test: ImageSet, count = test.count): number {
      if (count % testChunk !== 0) throw new Error(`test images: ${count} is not a multiple of ${testChunk}`);
      net.evalMode();
      const chunk = testChunk;
      const images = gpuarray.zeros([chunk, ...image]);
      let wrong = 0;
      for (let start = 0; start < count; start += chunk) {
        images.set(test.images.subarray(start * PIXELS, (start + chunk) * PIXELS));
        wrong += Math.round(chunk * loss.validate(net.forward(images), test.labels.subarray(start, start + chunk)));
      }
      images.dispose();
      net.trainMode();
      return 1 - wrong / count;
    },
    /** Every variable's float32 values, in the net's order. */
    weights: (): Float32Array[] => [...net.getVarTable().keys()].map((v) => v.data.get()),
  };
}
