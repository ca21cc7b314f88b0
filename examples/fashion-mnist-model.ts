// The Fashion-MNIST example's model and training loop, shared by examples/fashion-mnist.ts
// and the browser test that trains it on webgl2 (test/browser/fashionMnist.test.ts).
import {
  gpuarray, Sequential, Linear, Activation, relu, Dropout, CrossEntropy, RMSPropGraves, Random, type ImageSet, type Trace,
} from "portable-optim";

export const PIXELS = 784;

/** 784-256-10, relu, Dropout 0.2, softmax cross-entropy, RMSPropGraves on global state; every seed fixed. */
export function classifier(batch: number) {
  const net = new Sequential([
    new Linear(PIXELS, 256, { seed: 1 }),
    new Activation(relu),
    new Dropout({ p: 0.2, seed: 2 }),
    new Linear(256, 10, { seed: 3 }),
  ]);
  const optimizer = new RMSPropGraves({ learnRate: 1e-4 });
  optimizer.setupOn(net, { useGlobalState: true });
  const loss = new CrossEntropy();
  const data = gpuarray.zeros([batch, PIXELS]);
  const rows = new Float32Array(batch * PIXELS);
  const labels = new Int32Array(batch);
  const random = new Random(4);
  let order: Int32Array | null = null;
  let trace: Trace | null = null;
  return {
    net, loss,
    /** Records a trace of the training from here on (see the README's "Traces"), errors included. */
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
    /** Test accuracy in evaluation mode (no dropout), in batches of 1000. */
    accuracy(test: ImageSet): number {
      net.evalMode();
      const chunk = 1000;
      const images = gpuarray.zeros([chunk, PIXELS]);
      let wrong = 0;
      for (let start = 0; start < test.count; start += chunk) {
        images.set(test.images.subarray(start * PIXELS, (start + chunk) * PIXELS));
        wrong += Math.round(chunk * loss.validate(net.forward(images), test.labels.subarray(start, start + chunk)));
      }
      images.dispose();
      net.trainMode();
      return 1 - wrong / test.count;
    },
    /** Every variable's float32 values, in the net's order. */
    weights: (): Float32Array[] => [...net.getVarTable().keys()].map((v) => v.data.get()),
  };
}
