// portable-optim: PuzzleLib's optimizers on WebGL2 and WebAssembly behind one API (see README.md).
export { init, currentDevice, availableDevices, getDevice, DEVICE_PREFERENCE } from "./runtime/registry.js";
export type { InitOptions, DeviceStatus } from "./runtime/registry.js";
export type { Device, DeviceName, SubnormalMode, Precision } from "./runtime/Device.js";
export { DeviceArray } from "./runtime/DeviceArray.js";
/** Arrays on the current device: toGpu(values, shape), zeros(shape), empty(shape) (PuzzleLib's gpuarray). */
export * as gpuarray from "./gpuarray.js";
export { randn, Random } from "./random.js";
export { Variable } from "./Variable.js";
export { Module, type BackwardOptions } from "./modules/Module.js";
export { Linear, type LinearOptions } from "./modules/Linear.js";
export { Activation, relu, tanh, sigmoid, type ActivationKind } from "./modules/Activation.js";
export { Sequential } from "./modules/Sequential.js";
export { Graph, Add, MergeModule, type GraphOptions } from "./modules/Graph.js";
export { Node } from "./modules/Node.js";
export { Dropout, type DropoutOptions } from "./modules/Dropout.js";
export { SoftMax } from "./modules/SoftMax.js";
export { Conv2D, type Conv2DOptions } from "./modules/Conv2D.js";
export { MaxPool2D, AvgPool2D, type AvgPool2DOptions } from "./modules/Pool2D.js";
export { BatchNorm2D, type BatchNorm2DOptions } from "./modules/BatchNorm2D.js";
export { Flatten, Reshape } from "./modules/Reshape.js";
export type { Pair } from "./modules/window.js";
export { MSE } from "./costs/MSE.js";
export { CrossEntropy, type CrossEntropyOptions, type Labels } from "./costs/CrossEntropy.js";
export {
  Trace, compareTraces, expectSameTrace, parseTrace, TraceFormatError, TraceMismatchError, TRACE_FORMAT,
  type TraceFile, type TraceStep, type TraceComparison, type TraceDivergence, type CompareOptions,
} from "./trace.js";
export { VERSION } from "./version.js";
export { loadIdx, parseIdx, IdxFormatError, type IdxArray } from "./data/idx.js";
export {
  loadFashionMnist, standardizeImages, FASHION_MNIST_DIR, FASHION_MNIST_CLASSES, FASHION_MNIST_MEAN, FASHION_MNIST_STD,
  type ImageSet,
} from "./data/fashionMnist.js";
export {
  Optimizer, type SetupOptions, type OptimizerState, type OptimizerHook, type NonFinitePolicy, type OptimizerOptions,
} from "./optimizers/Optimizer.js";
export { WeightDecay } from "./optimizers/WeightDecay.js";
export {
  RMSPropGraves, rmspropGravesKer, GRAVES_DEFAULTS, type RMSPropGravesOptions, type GravesHyperParameters,
} from "./optimizers/RMSPropGraves.js";
export { SGD, type SGDOptions, type SGDHyperParameters } from "./optimizers/SGD.js";
export { MomentumSGD, type MomentumSGDOptions, type MomentumSGDHyperParameters } from "./optimizers/MomentumSGD.js";
export { NesterovSGD, type NesterovSGDOptions, type NesterovSGDHyperParameters } from "./optimizers/NesterovSGD.js";
export { RMSProp, type RMSPropOptions, type RMSPropHyperParameters } from "./optimizers/RMSProp.js";
export { Adam, type AdamOptions, type AdamHyperParameters } from "./optimizers/Adam.js";
export { AdaGrad, type AdaGradOptions, type AdaGradHyperParameters } from "./optimizers/AdaGrad.js";
export { AdaDelta, type AdaDeltaOptions, type AdaDeltaHyperParameters } from "./optimizers/AdaDelta.js";
export { SMORMS3, type SMORMS3Options, type SMORMS3HyperParameters } from "./optimizers/SMORMS3.js";
export {
  PortableOptimError, InvalidArgumentError, ShapeMismatchError, DeviceMismatchError, DisposedError,
  DeviceUnavailableError, NotReadyError, WebGLError, WebGPUError, SyncReadError, NonFiniteGradientError, StateFormatError, ContextLostError, WorkerError,
  NodeError, KernelUnavailableError, InvalidLabelError,
} from "./errors.js";
export { startNodes, type StartNodesOptions, type NodeGroup } from "./workers/nodes.js";
export { joinNodes, NodeInfo } from "./workers/nodeinfo.js";
export {
  reproducibilityReport, formatReport, ulpDistance, type ReproducibilityReport, type ReproducibilityRow,
} from "./reproducibility.js";
