import { describe, it, expect } from "vitest";
import {
  init, currentDevice, getDevice, gpuarray, randn, rmspropGravesKer, RMSPropGraves, Linear, Sequential,
  Variable, DeviceArray, InvalidArgumentError, ShapeMismatchError, DeviceMismatchError, DisposedError,
  DeviceUnavailableError, NotReadyError, PortableOptimError, MSE,
} from "../src/index.js";
import { WebGL2Device } from "../src/devices/webgl2/index.js";
import { devicesUnderTest } from "./helpers.js";

const BAD_HYPER: [string, unknown, RegExp][] = [
  ["learnRate", NaN, /learnRate is NaN; expected a finite number >= 0/],
  ["learnRate", -0.1, /learnRate is -0\.1; expected a finite number >= 0/],
  ["learnRate", Infinity, /learnRate is Infinity/],
  ["learnRate", "0.1", /learnRate is "0\.1"/],
  ["alpha", 1, /alpha is 1; expected a finite number in \[0, 1\)/],
  ["alpha", -0.5, /alpha is -0\.5/],
  ["momRate", 1.5, /momRate is 1\.5; expected a finite number in \[0, 1\)/],
  ["momRate", -Infinity, /momRate is -Infinity/],
  ["epsilon", 0, /epsilon is 0; expected a finite number > 0/],
  ["epsilon", -1e-8, /epsilon is -1e-8/],
];

describe.each(devicesUnderTest())("bad input on %s", (device) => {
  const values = () => Float32Array.from([1, 2, 3, 4, 5]);
  const five = async () => {
    await init({ device });
    return [0, 1, 2, 3, 4].map((i) => gpuarray.toGpu(values().map((v) => v + i), [5]));
  };
  const snapshot = async (arrays: DeviceArray[]) => (await Promise.all(arrays.map((a) => a.read()))).map((v) => [...v]);

  it.each(BAD_HYPER)("%s = %s is refused by RMSPropGraves, its setter and rmspropGravesKer, changing nothing", async (name, value, message) => {
    expect(() => new RMSPropGraves({ [name]: value })).toThrow(message);
    const optimizer = new RMSPropGraves({ learnRate: 0.5 });
    const before = optimizer.getAttrDict();
    expect(() => ((optimizer as unknown as Record<string, unknown>)[name] = value)).toThrow(InvalidArgumentError);
    expect(optimizer.getAttrDict()).toEqual(before);

    const arrays = await five();
    const [p, g, mg, ms, d] = arrays;
    const was = await snapshot(arrays);
    expect(() => rmspropGravesKer(p, g, mg, ms, d, { [name]: value })).toThrow(message);
    expect(await snapshot(arrays)).toEqual(was);
  });

  it("an unknown hyper-parameter name is refused (a typo would otherwise be ignored)", () => {
    expect(() => new RMSPropGraves({ learningRate: 0.1 } as never)).toThrow(/unknown option "learningRate"/);
  });

  it("kernels refuse arrays of different sizes, changing nothing", async () => {
    const arrays = await five();
    const short = gpuarray.toGpu([1, 2, 3, 4], [4]);
    const was = await snapshot(arrays);
    expect(() => rmspropGravesKer(arrays[0], arrays[1], short, arrays[3], arrays[4]))
      .toThrow(/mg has 4 elements \(shape \[4\]\); expected 5/);
    expect(await snapshot(arrays)).toEqual(was);
    const error = (() => { try { rmspropGravesKer(arrays[0], short, arrays[2], arrays[3], arrays[4]); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect(error).toBeInstanceOf(PortableOptimError);
  });

  it("kernels refuse arrays from another device, changing nothing", async () => {
    const arrays = await five();
    const other = device === "js" ? "wasm" : "js";
    const foreign = DeviceArray.allocate(await getDevice(other), [5]);
    foreign.set(values());
    const was = await snapshot(arrays);
    expect(() => rmspropGravesKer(arrays[0], arrays[1], arrays[2], foreign, arrays[4]))
      .toThrow(new RegExp(`ms is on ${other} but param is on ${device}`));
    expect(() => rmspropGravesKer(arrays[0], arrays[1], arrays[2], foreign, arrays[4])).toThrow(DeviceMismatchError);
    expect(() => rmspropGravesKer(arrays[0], arrays[1], arrays[2], [1, 2] as never, arrays[4]))
      .toThrow(/ms is \[1, 2\]; expected a DeviceArray/);
    expect(await snapshot(arrays)).toEqual(was);
  });

  it("a shape that does not match the values is refused", async () => {
    await init({ device });
    expect(() => gpuarray.toGpu([1, 2, 3], [2, 2])).toThrow(ShapeMismatchError);
    expect(() => gpuarray.toGpu([1, 2, 3], [2, 2])).toThrow(/got 3 values for shape \[2, 2\] \(4 elements\)/);
    expect(() => gpuarray.zeros([2, -1])).toThrow(/dimension -1; expected non-negative integers/);
    expect(() => gpuarray.zeros([1.5])).toThrow(InvalidArgumentError);
    const a = gpuarray.toGpu([1, 2, 3, 4], [2, 2]);
    expect(() => a.set([9, 9, 9])).toThrow(/set\(\) got 3 values for an array of shape \[2, 2\]/);
    expect([...await a.read()]).toEqual([1, 2, 3, 4]);
  });

  it("a disposed array is refused by every operation", async () => {
    const arrays = await five();
    arrays[2].dispose();
    expect(() => arrays[2].get()).toThrow(DisposedError);
    await expect(arrays[2].read()).rejects.toThrow(DisposedError);
    expect(() => arrays[2].set(values())).toThrow(/was disposed/);
    expect(() => rmspropGravesKer(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4])).toThrow(DisposedError);
  });

  it("update() and zeroGradParams() before setupOn() are refused", () => {
    const optimizer = new RMSPropGraves();
    expect(() => optimizer.update()).toThrow(NotReadyError);
    expect(() => optimizer.update()).toThrow(/update\(\) before setupOn\(\)/);
    expect(() => optimizer.zeroGradParams()).toThrow(NotReadyError);
    expect(optimizer.t).toBe(0);
  });

  it("setupOn() twice, on a non-module or on a module without variables is refused", async () => {
    await init({ device });
    const net = new Sequential([new Linear(3, 2, { seed: 1 })]);
    const optimizer = new RMSPropGraves();
    expect(() => optimizer.setupOn({} as never)).toThrow(/setupOn\(\) got \[object Object\]; expected a Module/);
    expect(() => optimizer.setupOn(new Sequential([]))).toThrow(/module with no variables/);
    optimizer.setupOn(net);
    expect(() => optimizer.setupOn(net)).toThrow(/already called/);
  });

  it("a variable replaced behind the optimizer's back is refused, changing nothing", async () => {
    await init({ device });
    const net = new Sequential([new Linear(3, 2, { seed: 1 })]);
    const optimizer = new RMSPropGraves();
    optimizer.setupOn(net, { useGlobalState: true });
    net.getVar("0.b").grad.set([1, 1]);
    const original = net.getVar("0.W");
    net.setVar("0.W", new Variable(gpuarray.toGpu(randn([3, 2], 5), [3, 2])));
    expect(() => optimizer.update()).toThrow(/variable "0\.W" was replaced in the module after setupOn\(\)/);
    net.setVar("0.W", original);
    const data = original.data;
    original.data = gpuarray.toGpu(randn([3, 2], 6), [3, 2]);
    expect(() => optimizer.update()).toThrow(/variable "0\.W" holds other arrays than at setupOn\(\)/);
    original.data = data;
    expect(optimizer.t).toBe(0);
    expect([...await optimizer.getState("0.b").ms.read()]).toEqual([0, 0]);
    optimizer.update();
    expect(optimizer.t).toBe(1);
    expect((await optimizer.getState("0.b").ms.read())[0]).toBeCloseTo(0.05, 6);
  });

  it("unknown variable names are refused with the names that exist", async () => {
    await init({ device });
    const net = new Sequential([new Linear(3, 2, { seed: 1, useBias: false })]);
    expect(() => net.getVar("0.b")).toThrow(/no variable named "b"; this module has "W"/);
    expect(() => net.getVar("7.W")).toThrow(/no variable named "7\.W"; this module has "0\.W"/);
  });

  it("Linear and MSE refuse arrays of the wrong shape", async () => {
    await init({ device });
    const layer = new Linear(3, 2, { seed: 1 });
    expect(() => layer.forward(gpuarray.zeros([4, 5]))).toThrow(/data has shape \[4, 5\]; expected \[4, 3\]/);
    expect(() => layer.forward(gpuarray.zeros([3]))).toThrow(
      /Linear\.forward: data has shape \[3\]; expected \[batch, 3\], a batch of rows of 3 \(for one sample, \[1, 3\]\)/);
    expect(() => layer.backward(gpuarray.zeros([4, 2]))).toThrow(NotReadyError);
    layer.forward(gpuarray.zeros([4, 3]));
    expect(() => layer.backward(gpuarray.zeros([4, 3]))).toThrow(/grad has shape \[4, 3\]; expected \[4, 2\]/);
    expect(() => layer.backward(gpuarray.zeros([4, 2]), { updGrad: "no" as never })).toThrow(
      /Linear\.backward got updGrad "no"; expected true or false/);
    expect(() => new Sequential([layer]).backward(gpuarray.zeros([4, 2]), 5 as never)).toThrow(
      /Sequential\.backward got options 5; expected an object such as \{ updGrad: false \}/);
    expect(() => new MSE().compute(gpuarray.zeros([4, 2]), gpuarray.zeros([2, 4]))).toThrow(ShapeMismatchError);
    expect(() => new Linear(0, 2)).toThrow(/Linear insize is 0; expected a positive integer/);
  });
});

describe("choosing a device", () => {
  it("an unknown device name is refused, and the current device stays", async () => {
    await init({ device: "js" });
    await expect(init({ device: "cuda" as never })).rejects.toThrow(DeviceUnavailableError);
    await expect(init({ device: "cuda" as never })).rejects.toThrow(/unknown device "cuda"; expected one of "webgpu", "webgl2", "wasm-simd", "wasm", "js"/);
    expect(currentDevice().name).toBe("js");
  });

  it("init() refuses options it does not know and bad modes, and the current device stays", async () => {
    await init({ device: "js" });
    const bad: [unknown, RegExp][] = [
      [{ devcie: "js" }, /init: unknown option "devcie"; expected "device", "subnormals", "precision"/],
      [{ device: "js", subnormals: "ftz" }, /init: subnormals is "ftz"; expected "keep" or "flush"/],
      [{ device: "js", precision: "exact" }, /init: precision is "exact"; expected "strict" or "fast"/],
      ["js", /init: options are "js"; expected an object/],
    ];
    for (const [options, message] of bad) {
      const error = await init(options as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(message);
    }
    await expect(getDevice("js", { subnormals: 1 } as never)).rejects.toThrow(/getDevice: subnormals is 1; expected/);
    expect(currentDevice().name).toBe("js");
    expect(currentDevice().subnormals).toBe("keep");
  });

  it("each subnormal mode is a device instance of its own, and arrays do not mix across them", async () => {
    for (const name of devicesUnderTest()) {
      const keep = await init({ device: name });
      const flush = await init({ device: name, subnormals: "flush" });
      expect(flush).not.toBe(keep);
      expect([keep.subnormals, flush.subnormals, currentDevice()]).toEqual(["keep", "flush", flush]);
      expect(await getDevice(name, { subnormals: "flush" })).toBe(flush);
      const [a, b] = [DeviceArray.allocate(keep, [4]), DeviceArray.allocate(flush, [4])];
      expect(() => rmspropGravesKer(a, b, a, a, a)).toThrow(DeviceMismatchError);
      a.dispose();
      b.dispose();
    }
  });

  it("init() with no device picks the fastest that works (wasm-simd over a software WebGL2)", async () => {
    const webgl2 = await getDevice("webgl2").catch(() => null);
    const device = await init();
    expect(device.name).toBe(webgl2 instanceof WebGL2Device && !webgl2.software ? "webgl2" : "wasm-simd");
    expect(currentDevice()).toBe(device);
  });
});
