// Traces of training runs: the on-device fingerprint kernel against the js reference on
// every device, two devices' traces of the seed example identical, a one-ULP nudge at
// step 37 found there with its element and distance, and bad or mismatched trace files refused.
import { describe, it, expect } from "vitest";
import {
  compareTraces, DeviceArray, expectSameTrace, getDevice, init, NotReadyError, parseTrace, Random, TraceFormatError, TraceMismatchError,
  VERSION, type DeviceName,
} from "../src/index.js";
import { seedSetup } from "../src/reproducibility.js";
import { kernel } from "../src/runtime/kernels.js";
import { combineFingerprint, fingerprintFloats } from "../src/kernels/fingerprint.js";
import { devicesUnderTest } from "./helpers.js";

/** Values with every kind of bits: zeros of both signs, NaNs with payloads, infinities, subnormals. */
function exotic(size: number, seed: number): Float32Array {
  const random = new Random(seed);
  const bits = Uint32Array.from({ length: size }, () => random.nextUint32());
  const values = new Float32Array(bits.buffer);
  for (let i = 0; i < size; i += 7) values[i] = [0, -0, Infinity, -Infinity, 1e-40, -1e-40, 1][i % 7];
  return values;
}

async function deviceFingerprint(device: Awaited<ReturnType<typeof getDevice>>, values: Float32Array, offset: number): Promise<string> {
  const whole = DeviceArray.allocate(device, [values.length + offset + 3]);
  const out = DeviceArray.allocate(device, [fingerprintFloats(values.length)]);
  try {
    const view = whole.view(offset, [values.length]);
    view.set(values);
    kernel(device, "fingerprint")(view, out);
    return combineFingerprint(await out.read(), values.length);
  } finally {
    whole.dispose();
    out.dispose();
  }
}

describe.each(devicesUnderTest())("the fingerprint kernel on %s", (deviceName) => {
  it("gives the js reference's fingerprint for every size and view, NaN payloads aside", async () => {
    const device = await getDevice(deviceName);
    const js = await getDevice("js");
    for (const [size, offset] of [[0, 0], [1, 1], [1023, 2], [1024, 0], [1025, 3], [5000, 1]]) {
      const values = exotic(size, size + 1);
      expect(await deviceFingerprint(device, values, offset), `${size} at ${offset}`).toBe(await deviceFingerprint(js, values, 0));
    }
    const zeros = new Float32Array(10);
    const negative = zeros.map(() => -0);
    expect(await deviceFingerprint(device, zeros, 0)).not.toBe(await deviceFingerprint(device, negative, 0));
    const nan = new Float32Array(new Uint32Array([0x7fc00000, 0x7fc00001, 0xffc00000]).buffer);
    const canonical = new Float32Array(new Uint32Array([0x7fc00000, 0x7fc00000, 0x7fc00000]).buffer);
    expect(await deviceFingerprint(device, nan, 0)).toBe(await deviceFingerprint(js, canonical, 0));
  });
});

/** The seed example with a trace, `steps` steps; `nudge` changes one weight by one ULP in step `at`, after its backward. */
async function tracedSeed(device: DeviceName, { steps = 50, nudge }: { steps?: number; nudge?: { at: number; element: number } } = {}) {
  await init({ device });
  const seed = seedSetup();
  const trace = seed.optimizer.trace();
  const W = seed.net.getVar("0.W");
  const arrays = new Map<number, { grad: Float32Array; data: Float32Array }>();
  // On webgpu as a training loop there runs: the error and the fingerprints read back
  // asynchronously, never waited for until the end.
  const sync = !W.data.device.readsBackAsync;
  for (let t = 1; t <= steps; t++) {
    seed.step(sync, (error) => {
      trace.error(sync ? error! : seed.readError());
      if (nudge?.at !== t) return;
      const w = W.data.view(nudge.element, [1]);
      w.set(new Float32Array(new Uint32Array([new Uint32Array(w.get().buffer)[0] + 1]).buffer));
    });
    if (sync) arrays.set(t, { grad: W.grad.get(), data: W.data.get() });
  }
  if (!sync) {
    expect(() => trace.toJSON()).toThrow(NotReadyError);
    expect(() => trace.toJSON()).toThrow(/the trace has \d+ steps? whose fingerprints the webgpu device is still reading back: `await trace.ready\(\)` first/);
  }
  const file = (await trace.ready()).toJSON();
  seed.dispose();
  return { file, arrays };
}

describe.each(devicesUnderTest())("a trace of the seed example on %s", (deviceName) => {
  it("is identical to the js reference's, step by step", async () => {
    const [ours, reference] = [await tracedSeed(deviceName), await tracedSeed("js")];
    expect(ours.file.device.name).toBe(deviceName);
    expect(ours.file.steps).toHaveLength(50);
    expect(ours.file.steps[0].error).toMatch(/^[0-9a-f]{8}$/);
    const result = await compareTraces(ours.file, reference.file);
    expect(result.message).toBe("identical over 50 steps");
    await expectSameTrace(ours.file, JSON.stringify(reference.file));
  });
});

describe("comparing traces", () => {
  it("finds a one-ULP nudge of 0.W element 17 at step 37, with its element and distance on replay", async () => {
    const clean = await tracedSeed("js");
    const nudged = await tracedSeed("js", { nudge: { at: 37, element: 17 } });
    const replay = (side: "a" | "b", t: number, _variable: string, array: "grad" | "data") =>
      (side === "a" ? clean : nudged).arrays.get(t)![array];
    const result = await compareTraces(clean.file, nudged.file, { replay });
    expect(result.identical).toBe(false);
    // Step 37's error and gradients come before the nudge: its data differs first, at the nudged element.
    expect(result.divergence).toMatchObject({ t: 37, index: 36, variable: "0.W", array: "data", element: { index: 17 } });
    expect(result.divergence!.element!.ulp).toBeGreaterThanOrEqual(1);
    expect(result.divergence!.element!.ulp).toBeLessThanOrEqual(2);
    expect(result.message).toMatch(/^the traces part at step 37: variable 0\.W, its data, element 17: \S+ against \S+, [12] ULP apart \(js against js\)$/);
    await expect(expectSameTrace(clean.file, nudged.file)).rejects.toThrow(/part at step 37/);
    const early = await compareTraces(clean.file, { ...nudged.file, steps: nudged.file.steps.slice(0, 36) });
    expect(early.message).toBe("identical over 36 steps (one trace has 50 steps, the other 36)");
    expect(early.identical).toBe(false);
  });

  it("refuses traces of other networks or hyper-parameters, and files that are not traces", async () => {
    const { file } = await tracedSeed("js", { steps: 3 });
    const other = { ...file, variables: [{ name: "0.W", shape: [64, 1] }, file.variables[1]] };
    await expect(compareTraces(file, other)).rejects.toThrow(TraceMismatchError);
    await expect(compareTraces(file, other)).rejects.toThrow(/different networks: variables 0\.W \[128,1\], 0\.b \[1\] against 0\.W \[64,1\]/);
    const faster = { ...file, optimizer: { ...file.optimizer, hyperParameters: { ...file.optimizer.hyperParameters, learnRate: 0.01 } } };
    await expect(compareTraces(file, faster)).rejects.toThrow(/differ in learnRate: 0\.001 against 0\.01/);
    const text = JSON.stringify(file);
    expect(() => parseTrace(text.slice(0, text.length / 2))).toThrow(/not JSON/);
    expect(() => parseTrace("[]")).toThrow(TraceFormatError);
    expect(() => parseTrace({ ...file, format: "portable-optim.trace.v0" })).toThrow(/format is "portable-optim.trace.v0"/);
    expect(() => parseTrace({ ...file, steps: [{ t: 1, grad: {}, data: {} }] })).toThrow(/step 0 has no 16-digit grad fingerprint/);
    expect(parseTrace(text)).toEqual(JSON.parse(text));
    expect(file.version).toBe(VERSION);
  });
});
