import { describe, it, expect } from "vitest";
import {
  availableDevices, currentDevice, init, getDevice, gpuarray, reproducibilityReport, WebGLError,
  InvalidArgumentError,
} from "../../src/index.js";
import { WebGL2Device } from "../../src/devices/webgl2/index.js";
import { kernel } from "../../src/runtime/kernels.js";

describe("the webgl2 device in Chromium", () => {
  it("opens with float render targets and reports its renderer", async () => {
    const device = (await getDevice("webgl2")) as WebGL2Device;
    expect(device.name).toBe("webgl2");
    expect(device.renderer.length).toBeGreaterThan(0);
    console.log(`webgl2 renderer: ${device.renderer} (software: ${device.software})`);
  });

  it("precision \"fast\" is a device instance of its own that trains; strict is the default", async () => {
    const strict = (await getDevice("webgl2")) as WebGL2Device;
    const fast = (await init({ device: "webgl2", precision: "fast" })) as WebGL2Device;
    expect([strict.precision, fast.precision]).toEqual(["strict", "fast"]);
    expect(fast).not.toBe(strict);
    expect(await getDevice("webgl2", { precision: "fast" })).toBe(fast);
    // The CPU devices are exact either way: one instance for both precisions.
    expect(await getDevice("wasm-simd", { precision: "fast" })).toBe(await getDevice("wasm-simd"));
    await reproducibilityReport();
    expect(currentDevice()).toBe(fast); // the report keeps the current device, precision included
    const { train } = await import("../helpers.js");
    const { errors } = await train("webgl2", { steps: 20, precision: "fast" });
    expect(errors[19]).toBeLessThan(errors[0]);
  });

  it("init() passes over a software renderer for wasm-simd and says why", async () => {
    const device = (await getDevice("webgl2")) as WebGL2Device;
    const chosen = await init();
    const statuses = await availableDevices();
    const webgl2 = statuses.find((s) => s.name === "webgl2")!;
    expect(webgl2.available).toBe(true);
    if (device.software) {
      expect(chosen.name).toBe("wasm-simd");
      expect(webgl2.preferred).toBe(false);
      expect(webgl2.reason).toMatch(/software rasterizer/);
    } else {
      expect(chosen.name).toBe("webgl2");
    }
    expect((await init({ device: "webgl2" })).name).toBe("webgl2");
  });

  it("round-trips values through views that straddle texture rows", async () => {
    const device = (await getDevice("webgl2")) as WebGL2Device;
    await init({ device: "webgl2" });
    const total = 20_000;
    const row = 4 * 2 ** device.passes.shapeFor(total).shift; // elements per texture row
    const size = 3 * row + 17;
    const values = Float32Array.from({ length: size }, (_, i) => i * 0.5 - 7);
    const a = gpuarray.zeros([total]);
    const view = a.view(row - 5, [size]);
    view.set(values);
    expect(view.get()).toEqual(values);
    const whole = a.get();
    expect(whole.subarray(0, row - 5).every((v) => v === 0)).toBe(true);
    expect(whole.subarray(row - 5 + size).every((v) => v === 0)).toBe(true);
    a.dispose();
  });
});

describe("textures kept between passes", () => {
  it("matrix products of ever new sizes keep a bounded number of row targets, and stay right", async () => {
    const device = (await getDevice("webgl2")) as WebGL2Device;
    await init({ device: "webgl2" });
    const run = (m: number) => {
      const a = gpuarray.toGpu(Array.from({ length: m * 4 }, (_, i) => i % 7), [m, 4]);
      const b = gpuarray.toGpu([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [4, 4]);
      const out = gpuarray.zeros([m, 4]);
      kernel(device, "matmul")(a, b, out, null, { m, k: 4, n: 4, aRow: 4, aCol: 1, bRow: 4, bCol: 1 });
      expect(out.get()).toEqual(a.get()); // times the identity
      [a, b, out].forEach((x) => x.dispose());
    };
    for (let m = 1; m <= 40; m++) run(4 * m);
    const before = device.textureCount;
    for (let m = 41; m <= 80; m++) run(4 * m);
    expect(device.textureCount).toBe(before);
  });
});

describe("measured GPU behaviour", () => {
  it("flushesSubnormals, measured at init, predicts what another pass does with a subnormal product", async () => {
    const device = (await getDevice("webgl2")) as WebGL2Device;
    await init({ device: "webgl2" });
    const a = gpuarray.toGpu([2 ** -70], [1, 1]);
    const out = gpuarray.zeros([1, 1]);
    kernel(device, "matmul")(a, a, out, null, { m: 1, k: 1, n: 1, aRow: 1, aCol: 1, bRow: 1, bCol: 1 });
    console.log(`webgl2 flushes subnormals: ${device.flushesSubnormals}`);
    expect(out.get()[0]).toBe(device.flushesSubnormals ? 0 : 2 ** -140);
  });
});

describe("GL failures surface as errors", () => {
  it("a shader that does not compile throws a WebGLError with the driver's message and the numbered source", async () => {
    const device = (await getDevice("webgl2")) as WebGL2Device;
    const broken = "out float o_out;\nvoid main() {\n  o_out = undefinedName * 2.0;\n}\n";
    let error: unknown;
    try {
      device.passes.compile("broken", broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WebGLError);
    const message = (error as Error).message;
    expect(message).toMatch(/glsl\/broken\.glsl failed to compile or link/);
    expect(message).toMatch(/undefinedName/);
    expect(message).toMatch(/\d+: +o_out = undefinedName \* 2\.0;/); // the offending line, numbered
  });

  it("an array larger than the texture limits is refused with the limit named, and nothing is allocated", async () => {
    const device = (await getDevice("webgl2")) as WebGL2Device;
    await init({ device: "webgl2" });
    const limit = 4 * device.passes.width * device.passes.maxRows;
    const before = device.textureCount;
    expect(() => gpuarray.zeros([limit + 1])).toThrow(InvalidArgumentError);
    expect(() => gpuarray.zeros([limit + 1])).toThrow(new RegExp(`MAX_TEXTURE_SIZE allows ${device.passes.maxRows} ` +
      `\\(at most ${limit} elements per array\\)`));
    expect(device.textureCount).toBe(before);
  });

  it("no GL error is left pending after a training run", async () => {
    const device = (await getDevice("webgl2")) as WebGL2Device;
    expect(device.passes.gl.getError()).toBe(device.passes.gl.NO_ERROR);
  });
});

describe("in a worker", () => {
  it("trains on webgl2 through an OffscreenCanvas with the js reference's bits", async () => {
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    const result = await new Promise<{ device: string; weights: number[]; reference: number[] } | { error: string }>(
      (resolve, reject) => {
        worker.onmessage = (event) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(event.message));
      });
    worker.terminate();
    if ("error" in result) throw new Error(`worker failed: ${result.error}`);
    expect(result.device).toBe("webgl2");
    expect(result.weights).toEqual(result.reference);
    expect(result.weights.length).toBeGreaterThan(0);
  });
});
