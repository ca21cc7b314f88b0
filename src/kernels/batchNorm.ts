import { add, div, elementwise, mul, sqrt } from "./vocabulary.js";

// BatchNorm2D's per-channel arithmetic (one element per channel): what turns the
// channel sums of the hand-written channelSums() into the statistics that batchNorm()
// and batchNormBackward() apply.

/** A channel's mean from its sum over `elements` elements (n * positions as a float32). */
export const batchNormMean = elementwise("batchNormMean", {
  doc: "mean = sum / elements",
  inputs: ["sum"],
  outputs: ["mean"],
  scalars: ["elements"],
  body: ({ sum }, { elements }) => ({ mean: div(sum, elements) }),
});

/**
 * A training batch's statistics: invStd = 1 / sqrt(squares / elements + epsilon) from the
 * channel's sum of squared deviations, and the running averages moved towards the batch
 * (`keep` is 1 - factor, rounded once on the host): the mean and the unbiased variance,
 * squares / (elements - 1).
 */
export const batchNormStatistics = elementwise("batchNormStatistics", {
  doc: "invStd = 1 / sqrt(squares / elements + epsilon); running mean and unbiased variance moved by factor",
  inputs: ["mean", "squares"],
  updates: ["runMean", "runVar"],
  outputs: ["invStd"],
  scalars: ["elements", "unbiased", "epsilon", "factor", "keep"],
  body: ({ mean, squares, runMean, runVar }, { elements, unbiased, epsilon, factor, keep }) => ({
    invStd: div(1, sqrt(add(div(squares, elements), epsilon))),
    runMean: add(mul(keep, runMean), mul(factor, mean)),
    runVar: add(mul(keep, runVar), mul(factor, div(squares, unbiased))),
  }),
});

/** Inference: invStd = 1 / sqrt(variance + epsilon) from the running variance. */
export const batchNormInvStd = elementwise("batchNormInvStd", {
  doc: "invStd = 1 / sqrt(variance + epsilon)",
  inputs: ["variance"],
  outputs: ["invStd"],
  scalars: ["epsilon"],
  body: ({ variance }, { epsilon }) => ({ invStd: div(1, sqrt(add(variance, epsilon))) }),
});
