// The kernels' one source (src/kernels/): the checked-in renderings are current, the
// table is consistent, the math constants are the numbers they stand for, and a
// definition with an operation dropped changes the js reference and the compiled
// WebAssembly alike (test/browser/renderers.test.ts does the same for webgl2).
import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import asc from "assemblyscript/asc";
import { renderAll } from "../src/kernels/render/index.js";
import { renderAssemblyScript } from "../src/kernels/render/assemblyscript.js";
import { DEFINITIONS } from "../src/kernels/index.js";
import { EXP_COEFFICIENTS, LN2_HI, LN2_LO, LOG2E, LOG_COEFFICIENTS, TANH_COEFFICIENTS } from "../src/kernels/math.js";
import { add, allArrays, elementwise, float32Bits } from "../src/kernels/vocabulary.js";
import { Random, ulpDistance } from "../src/index.js";
import * as reference from "../src/devices/js/reference.js";
import { dropOperation, evaluateJs, runJs } from "./renderedKernels.js";
import { expectSameBits } from "./helpers.js";

const root = new URL("..", import.meta.url).pathname;

describe("kernel definitions", () => {
  it("every rendered file is what npm run render writes now", () => {
    const files = renderAll();
    // js, AssemblyScript, their math modules, GLSL's math; a GLSL and a WGSL pass each
    expect(files.size).toBe(5 + 2 * Object.keys(DEFINITIONS).length);
    for (const [path, text] of files) {
      expect(readFileSync(`${root}/${path}`, "utf8"), `${path} is stale or was edited by hand: run npm run render`).toBe(text);
    }
  });

  it("a definition whose array or scalar name would collide with a renderer's identifiers is refused", () => {
    const define = (array: string, scalar: string) => elementwise("probe", { doc: "y = x + s",
      inputs: [array], outputs: ["y"], scalars: [scalar], body: (a, s) => ({ y: add(a[array], s[scalar]) }),
    });
    expect(() => define("x", "scale")).not.toThrow();
    for (const [array, scalar] of [["x", "count"], ["out", "scale"], ["x", "zero"], ["result", "scale"], ["new", "scale"],
      ["x", "Scale"], ["x_1", "scale"]]) {
      expect(() => define(array, scalar), `${array}, ${scalar}`).toThrow(/kernel probe: ".+" cannot name an array or scalar/);
    }
  });

  it("each definition is in the table under its own name", () => {
    for (const [name, definition] of Object.entries(DEFINITIONS)) expect(definition.name).toBe(name);
  });

  it("the math constants are the float32 numbers their comments name", () => {
    const f = Math.fround;
    expect(LOG2E).toBe(float32Bits(Math.LOG2E));
    expect(LN2_HI).toBe(float32Bits(0.693145751953125));
    expect(f(f(0.693145751953125) + f(1.428606765330187e-6))).toBe(f(Math.LN2));
    expect(LN2_LO).toBe(float32Bits(1.428606765330187e-6));
    expect(EXP_COEFFICIENTS).toEqual([1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2, 1, 1].map(float32Bits));
    expect(TANH_COEFFICIENTS).toEqual([-1382 / 155925, 62 / 2835, -17 / 315, 2 / 15, -1 / 3].map(float32Bits));
    expect(LOG_COEFFICIENTS).toEqual([2 / 9, 2 / 7, 2 / 5, 2 / 3, 2].map(float32Bits));
  });

  it("log is within 3 ULP of the correctly rounded logarithm, and exact at its special values", () => {
    const random = new Random(71);
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      // Every binade, subnormals included.
      const x = Math.fround(2 ** (-149 + 277 * random.uniform()));
      worst = Math.max(worst, ulpDistance(reference.logf(x), Math.fround(Math.log(x))));
    }
    expect(worst).toBeLessThanOrEqual(3);
    for (const [x, y] of [[1, 0], [0, -Infinity], [-0, -Infinity], [Infinity, Infinity], [-1, NaN], [-Infinity, NaN], [NaN, NaN]]) {
      expect(reference.logf(x), `log(${x})`).toBe(y);
    }
    expect(reference.logf(2 ** -149, "flush")).toBe(-Infinity);
  });

  it("exp is within 1 ULP of the correctly rounded exponential over [-87, 88]", () => {
    const random = new Random(72);
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      const x = Math.fround(-87 + 175 * random.uniform());
      worst = Math.max(worst, ulpDistance(reference.expf(x), Math.fround(Math.exp(x))));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });
});

/** The rendered AssemblyScript of `definitions`, compiled with the package's vocabulary (SIMD on). */
async function compile(definitions: Parameters<typeof renderAssemblyScript>[0]): Promise<WebAssembly.Instance> {
  const sources = {
    "input.ts": renderAssemblyScript(definitions),
    "vocabulary.ts": readFileSync(`${root}/assembly/vocabulary.ts`, "utf8"),
  };
  const { binary, stderr } = await asc.compileString(sources, { runtime: "stub", optimizeLevel: 3, noAssert: true, enable: ["simd"] });
  if (!binary) throw new Error(`asc failed: ${stderr.toString()}`);
  return WebAssembly.instantiate(await WebAssembly.compile(binary.slice()));
}

describe("a definition with an operation dropped", () => {
  it("changes the js reference and the compiled WebAssembly alike", async () => {
    const right = DEFINITIONS.rmspropGraves;
    // Its first addition in evaluation order dropped: ms = alpha*ms + b*(g*g) becomes alpha*ms.
    const wrong = dropOperation(right, "add", "probe");
    const n = 1027;
    const random = new Random(73);
    const inputs = allArrays(right).map((name) => Float32Array.from({ length: n }, () =>
      name === "ms" ? 2 + random.uniform() : random.normal()));
    const scalars = [0.01, 0.95, Math.fround(1 - Math.fround(0.95)), 0.9, 0.5];
    const js = evaluateJs([right, wrong]);
    const expectedRight = runJs(js.rmspropGraves, inputs, scalars);
    const expectedWrong = runJs(js.probe, inputs, scalars);
    const instance = await compile([right, wrong]);
    const exports = instance.exports as Record<string, (...args: number[]) => void> & { memory: WebAssembly.Memory };
    exports.memory.grow(2);
    const base = 65536;
    for (const [name, expected] of [["rmspropGraves", expectedRight], ["probe", expectedWrong]] as const) {
      const memory = new Float32Array(exports.memory.buffer, base, n * inputs.length);
      inputs.forEach((values, i) => memory.set(values, i * n));
      exports[name](...inputs.map((_, i) => base + i * n * 4), n, ...scalars.map(Math.fround));
      expected.forEach((values, i) => expectSameBits(memory.subarray(i * n, (i + 1) * n), values, `${name} ${allArrays(right)[i]}`));
    }
    // The rendered right kernel is the package's: its bits are the reference device's.
    reference.elementwise("rmspropGraves", Object.fromEntries(allArrays(right).map((a, i) => [a, inputs[i]])),
      { learnRate: 0.01, alpha: 0.95, b: scalars[2], momRate: 0.9, epsilon: 0.5 });
    inputs.forEach((values, i) => expectSameBits(values, expectedRight[i], `reference ${allArrays(right)[i]}`));
    const param = allArrays(right).indexOf("param");
    const differing = expectedWrong[param].filter((w, i) => w !== expectedRight[param][i]).length;
    expect(differing).toBeGreaterThan(n / 2);
  });
});
