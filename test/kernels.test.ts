// Every elementwise kernel of the table (src/kernels/) on every device, both subnormal
// modes, against the js reference, bit for bit: exotic inputs (zeros of both signs,
// NaN, infinities, subnormals, 1e-30 to 1e30), unaligned views, and several runs of
// scalars in one call. A kernel added to the table is tested here with no new test.
import { describe, it, expect } from "vitest";
import { DeviceArray, getDevice, KernelUnavailableError, Module, Random, RMSPropGraves, Variable, type Device } from "../src/index.js";
import { JsDevice } from "../src/devices/js/index.js";
import { runElementwise } from "../src/runtime/kernels.js";
import { DEFINITIONS, type ElementwiseName } from "../src/kernels/index.js";
import { allArrays, writtenArrays } from "../src/kernels/vocabulary.js";
import { devicesUnderTest, expectSameBits, flushesSubnormals } from "./helpers.js";

const SIZE = 1031;
const OFFSET = 1;

/**
 * Element values: exotic ones, or (on a GPU that flushes subnormals, in "keep" mode,
 * where its + - * cannot give IEEE's subnormals) moderate ones, whose results stay normal.
 */
function values(random: Random, exotic: boolean, positive: boolean): Float32Array {
  return Float32Array.from({ length: SIZE }, () => {
    const r = random.nextUint32();
    const sign = positive || r & 1 ? 1 : -1;
    if (!exotic) return sign * 10 ** (-3 + 6 * random.uniform());
    switch ((r >>> 1) & 15) {
      case 0: return sign * 0;
      case 1: return [NaN, Infinity, -Infinity][(r >>> 5) % 3];
      case 2: return sign * 2 ** -149 * (1 + (r >>> 8) % 5000);
      default: return sign * 10 ** (-30 + 60 * random.uniform());
    }
  });
}

/** Scalars as an optimizer or module gives them: Graves' in their ranges, sizes as counts, others positive. */
function scalars(name: ElementwiseName, random: Random): Record<string, number> {
  if (name === "rmspropGraves") {
    const alpha = Math.fround(random.uniform());
    return { learnRate: 10 ** (-4 + 3 * random.uniform()), alpha, b: Math.fround(1 - alpha), momRate: random.uniform(),
      epsilon: 10 ** (-8 + 7 * random.uniform()) };
  }
  return Object.fromEntries(DEFINITIONS[name].scalars.map((s) => [s, s === "size" ? 1 + Math.floor(1e4 * random.uniform())
    : 10 ** (-3 + 4 * random.uniform())]));
}

/** Runs kernel `name` on `device` on views at OFFSET of fresh arrays; returns the written arrays. */
async function run(device: Device, name: ElementwiseName, inputs: Float32Array[], given: Parameters<typeof runElementwise>[2]) {
  const names = allArrays(DEFINITIONS[name]);
  const wholes = inputs.map((v) => {
    const whole = DeviceArray.allocate(device, [SIZE + OFFSET + 2]);
    whole.view(OFFSET, [SIZE]).set(v);
    return whole;
  });
  try {
    runElementwise(name, Object.fromEntries(names.map((n, i) => [n, wholes[i].view(OFFSET, [SIZE])])), given);
    const written = writtenArrays(DEFINITIONS[name]);
    const values = await Promise.all(written.map((n) => wholes[names.indexOf(n)].read()));
    return Object.fromEntries(written.map((n, i) => [n, values[i]]));
  } finally {
    wholes.forEach((a) => a.dispose());
  }
}

describe.each(devicesUnderTest().flatMap((name) => (["keep", "flush"] as const).map((mode) => [name, mode] as const)))(
  "every elementwise kernel on %s, subnormals %s", (deviceName, subnormals) => {
  it.each(Object.keys(DEFINITIONS) as ElementwiseName[])("%s gives the js reference's bits", async (name) => {
    const device = await getDevice(deviceName, { subnormals });
    const js = await getDevice("js", { subnormals });
    const exotic = subnormals === "flush" || !flushesSubnormals(device);
    const random = new Random(name.length * 1000 + (subnormals === "flush" ? 1 : 0));
    const definition = DEFINITIONS[name];
    const inputs = allArrays(definition).map((array) => values(random, exotic, name === "log" || array === "ms"));
    const one = scalars(name, random);
    const three = [{ end: 5, scalars: one }, { end: 600, scalars: scalars(name, random) }, { end: SIZE, scalars: scalars(name, random) }];
    for (const [what, given] of [["one run", one], ["three runs", three]] as const) {
      if (what === "three runs" && definition.scalars.length === 0) continue;
      const expected = await run(js, name, inputs, given);
      const actual = await run(device, name, inputs, given);
      for (const array of writtenArrays(definition)) {
        expectSameBits(actual[array], expected[array], `${name} ${what} ${array}`, { flushesSubnormals: flushesSubnormals(device) });
      }
    }
    expect(writtenArrays(definition).length).toBeGreaterThan(0);
  });
});

describe.each(devicesUnderTest())("reading back on %s", (deviceName) => {
  it("read() resolves to get()'s values, views included, and refuses a disposed array", async () => {
    const device = await getDevice(deviceName);
    const values = Float32Array.from({ length: 1029 }, (_, i) => (i % 7) - 3.5 + i * 1e-3);
    const whole = DeviceArray.allocate(device, [values.length + 3]);
    const view = whole.view(3, [values.length]);
    view.set(values);
    expectSameBits(await view.read(), values, "read()");
    expectSameBits(await view.read(), (await view.read()), "read() against get()");
    whole.dispose();
    await expect(async () => view.read()).rejects.toThrow(/disposed/);
  });
});

describe("a device without a kernel", () => {
  /** A js device whose table lacks `name`: as a device that does not implement a kernel would be. */
  const without = (name: string) => {
    const device = new JsDevice("keep");
    delete (device.kernels as unknown as Record<string, unknown>)[name];
    return device;
  };

  it("fails at setupOn with a KernelUnavailableError naming the kernel and the device, changing nothing", () => {
    const device = without("rmspropGraves");
    const data = DeviceArray.allocate(device, [5]);
    data.set([1, 2, 3, 4, 5]);
    const variable = new Variable(data);
    const net = new (class extends Module {
      constructor() {
        super();
        this.vars.set("W", variable);
      }
      forward(x: DeviceArray) { return x; }
      backward(g: DeviceArray) { return g; }
    })();
    const optimizer = new RMSPropGraves();
    let error: unknown;
    try {
      optimizer.setupOn(net, { useGlobalState: true });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KernelUnavailableError);
    expect((error as KernelUnavailableError).kernel).toBe("rmspropGraves");
    expect((error as KernelUnavailableError).device).toBe("js");
    expect((error as Error).message).toMatch(/the js device has no kernel "rmspropGraves"/);
    // Nothing moved: the variable still holds its own array, and the optimizer was not set up.
    expect(variable.data).toBe(data);
    expect([...data.get()]).toEqual([1, 2, 3, 4, 5]);
    expect(() => optimizer.update()).toThrow(/before setupOn/);
  });

  it("fails before computing anything when a module's kernel is missing", () => {
    const device = without("tanh");
    const [x, y] = [DeviceArray.allocate(device, [3]), DeviceArray.allocate(device, [3])];
    y.set([7, 8, 9]);
    expect(() => runElementwise("tanh", { x, y })).toThrow(KernelUnavailableError);
    expect([...y.get()]).toEqual([7, 8, 9]);
  });
});
