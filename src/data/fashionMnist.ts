import { InvalidArgumentError, describe } from "../errors.js";
import { IdxFormatError, loadIdx, type IdxArray } from "./idx.js";

/** Where Debian's `dataset-fashion-mnist` package puts the original files. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** Fashion-MNIST's ten classes, by label. */
export const FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
  "Sneaker", "Bag", "Ankle boot"] as const;

/** One split: images as rows of 784 floats in [0, 1] (pixel / 255), labels 0-9. */
export interface ImageSet {
  /** The number of images. */
  readonly count: number;
  /** count rows of 784 pixels (28×28, row-major). */
  readonly images: Float32Array;
  /** count labels from 0 to 9 (see FASHION_MNIST_CLASSES). */
  readonly labels: Int32Array;
}

/** The training images' pixel mean and standard deviation, pixels in [0, 1]. */
export const FASHION_MNIST_MEAN = 0.286;
/** The training images' pixel standard deviation, pixels in [0, 1]. */
export const FASHION_MNIST_STD = 0.353;

/** Standardizes a set's pixels in place, (pixel - FASHION_MNIST_MEAN) / FASHION_MNIST_STD; returns the set. */
export function standardizeImages(set: ImageSet): ImageSet {
  for (let i = 0; i < set.images.length; i++) set.images[i] = (set.images[i] - FASHION_MNIST_MEAN) / FASHION_MNIST_STD;
  return set;
}

/** Images IDX [n, 28, 28] ubyte and labels IDX [n] ubyte as an ImageSet; `what` names the pair in errors. */
export function imageSet(images: IdxArray, labels: IdxArray, what: string): ImageSet {
  const [n, rows, cols] = images.dims;
  if (images.dims.length !== 3 || !(images.data instanceof Uint8Array)) {
    throw new IdxFormatError(`${what} images are ${images.dims.join(" × ")} of ${images.data.constructor.name}; expected n × 28 × 28 bytes`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== n || !(labels.data instanceof Uint8Array)) {
    throw new IdxFormatError(`${what} labels are ${labels.dims.join(" × ")}; expected ${n} bytes, one per image`);
  }
  const images01 = new Float32Array(n * rows * cols);
  for (let i = 0; i < images01.length; i++) images01[i] = images.data[i] / 255;
  return { count: n, images: images01, labels: Int32Array.from(labels.data) };
}

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017) from its original gzip IDX files in
 * `dir` (by default Debian's dataset-fashion-mnist): 60,000 training and 10,000 test
 * images. Node and Deno; in a browser, fetch the files and give their bytes to loadIdx().
 */
export async function loadFashionMnist(dir: string = FASHION_MNIST_DIR): Promise<{
  /** The 60,000 training images. */
  train: ImageSet;
  /** The 10,000 test images. */
  test: ImageSet;
}> {
  if (typeof dir !== "string") throw new InvalidArgumentError(`loadFashionMnist() got ${describe(dir)}; expected a directory path`);
  const file = (name: string) => loadIdx(`${dir}/${name}-ubyte.gz`);
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    ["train-images-idx3", "train-labels-idx1", "t10k-images-idx3", "t10k-labels-idx1"].map(file));
  return { train: imageSet(trainImages, trainLabels, "training"), test: imageSet(testImages, testLabels, "test") };
}
