// Run by test/webgpu.test.ts in Deno (`deno run -A --unstable-sloppy-imports`, which
// resolves the sources' ".js" imports to their ".ts" files): every elementwise kernel
// definition rendered to WGSL (src/kernels/render/wgsl.ts after wgsl/common.wgsl) runs on
// the adapter Deno finds, in both subnormal modes (and "keep" as emulated on adapters that
// flush subnormals, see common.wgsl's EMULATE), on views at odd offsets of inputs full
// of specials (zeros of both signs, infinities, NaN, subnormals, the extremes), and every
// element of every buffer is compared with the js reference's, also with a hostile
// compiler's estimates of quotients and roots (and, to show the test can fail, the passes
// without the strict vocabulary under its rewrites); with the guard word set
// (a guarded optimizer step that found a non-finite gradient), every pass must leave every
// buffer as it was. Prints one JSON report.
import { DEFINITIONS } from "../../src/kernels/index.js";
import { Random } from "../../src/random.js";
import { unprotectedPass } from "../browser/hostileCompiler.js";
import { allArrays, writtenArrays, type ElementwiseDefinition } from "../../src/kernels/vocabulary.js";
import { renderWgsl, WGSL_WORKGROUP } from "../../src/kernels/render/wgsl.js";
import { kernels } from "../../src/devices/js/kernels.generated.js";
import { rounding } from "../../src/devices/js/rounding.js";

declare const Deno: { readTextFile(path: URL): Promise<string>; exit(code: number): never };

const common = await Deno.readTextFile(new URL("../../wgsl/common.wgsl", import.meta.url));
const gpu = (navigator as unknown as { gpu?: GPU }).gpu;
const adapter = await gpu?.requestAdapter();
if (!adapter) {
  console.log(JSON.stringify({ error: "navigator.gpu.requestAdapter() found no adapter" }));
  Deno.exit(0);
}
const device = await adapter.requestDevice();

/** A seeded generator of uniform numbers in [0, 1) (the package's Random). */
function generator(seed: number): () => number {
  const random = new Random(seed);
  return () => random.uniform();
}

const SPECIALS = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 1.4e-45, -2.5e-42, 1.1754942e-38, 1.1754944e-38,
  3.4028235e38, -3.4028235e38, 1, -1, 0.5, 2, 1e-20, 1e20, 88.72, -87.33, 20, -20];

/** `size` float32 values: mostly of every magnitude and sign, a tenth of them SPECIALS. */
function values(size: number, random: () => number): Float32Array<ArrayBuffer> {
  return Float32Array.from({ length: size }, () => {
    if (random() < 0.1) return SPECIALS[Math.floor(random() * SPECIALS.length)];
    const magnitude = 10 ** (random() * 8 - 4);
    return (random() < 0.3 ? -1 : 1) * magnitude * (0.5 + random());
  });
}

/** Scalars of a call: a few of the values optimizers and layers use, and some others. */
const SCALARS = [0.001, 0.01, 0.9, 0.95, 0.999, 1e-8, 1e-4, 0.5, 0.1, 1.5, -0.3, 2, 1e-38];

const N = 1027;
const failures: { kernel: string; mode: string; array: string; mismatches: number; first: string[] }[] = [];
const errors: string[] = [];
let checked = 0;
/** Arrays the checks set out to compare: all of them are, unless a pass fails to build. */
let planned = 0;

/** The guard word of common.wgsl: 0 lets the passes run, 1 (a non-finite gradient in the step) stops them. */
const guards = [0, 1].map((value) => {
  const buffer = device.createBuffer({ size: 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, Uint32Array.of(value));
  return buffer;
});

/**
 * Runs definition `d` on N elements of views at odd offsets and compares every element of
 * every buffer with the js reference's; with `guarded`, the guard word is 1 and every
 * buffer must come back as it was.
 */
/** The subnormal modes: "keep, emulated" is "keep" done as on an adapter that flushes subnormals (common.wgsl's EMULATE). */
type Mode = "keep" | "flush" | "keep, emulated";

async function check(d: ElementwiseDefinition, module: GPUShaderModule, what: string, mode: Mode, seed: number,
  guarded = false, unprotected = false) {
  const random = generator(seed);
  const arrays = allArrays(d);
  if (!unprotected) planned += arrays.length;
  const written = writtenArrays(d);
  // Array i is a view of N elements from offset i + 1 of a buffer with 3 more after it.
  const offsets = arrays.map((_, i) => i + 1);
  const initial = arrays.map((_, i) => values(offsets[i] + N + 3, random));
  const scalars = d.scalars.map(() => Math.fround(SCALARS[Math.floor(random() * SCALARS.length)]));
  const expected = initial.map((a) => a.slice());
  if (!guarded) {
    const kernel = (kernels as Record<string, (arrays: Float32Array[], scalars: readonly number[], f: (x: number) => number) => void>)[d.name];
    kernel(expected.map((a, i) => a.subarray(offsets[i], offsets[i] + N)), scalars, rounding(mode === "flush" ? "flush" : "keep"));
  }

  device.pushErrorScope("validation");
  const pipeline = device.createComputePipeline({
    layout: "auto",
    compute: { module, entryPoint: "main", constants: { FLUSH: mode === "flush" ? 1 : 0, EMULATE: mode === "keep, emulated" ? 1 : 0 } },
  });
  const buffers = initial.map((a) => {
    const buffer = device.createBuffer({ size: a.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buffer, 0, a);
    return buffer;
  });
  const scalarBits = new Uint32Array(Float32Array.from(scalars).buffer);
  const parameters = Uint32Array.from([0, N, ...offsets, ...scalarBits]);
  const parameterBuffer = device.createBuffer({ size: parameters.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(parameterBuffer, 0, parameters);
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) }));
  pass.setBindGroup(1, device.createBindGroup({ layout: pipeline.getBindGroupLayout(1),
    entries: [{ binding: 0, resource: { buffer: parameterBuffer } }, { binding: 1, resource: { buffer: guards[guarded ? 1 : 0] } }] }));
  pass.dispatchWorkgroups(Math.ceil(N / 4 / WGSL_WORKGROUP));
  pass.end();
  const readable = buffers.map((buffer) => {
    const copy = device.createBuffer({ size: buffer.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.copyBufferToBuffer(buffer, 0, copy, 0, buffer.size);
    return copy;
  });
  device.queue.submit([encoder.finish()]);
  const error = await device.popErrorScope();
  if (error) {
    errors.push(`${d.name} (${what}): ${error.message}`);
    return;
  }
  for (const [i, copy] of readable.entries()) {
    await copy.mapAsync(GPUMapMode.READ);
    const got = new Float32Array(copy.getMappedRange().slice(0));
    copy.unmap();
    const want = expected[i];
    const gotBits = new Uint32Array(got.buffer), wantBits = new Uint32Array(want.buffer);
    const first: string[] = [];
    let mismatches = 0;
    for (let j = 0; j < want.length; j++) {
      if (gotBits[j] === wantBits[j] || (Number.isNaN(got[j]) && Number.isNaN(want[j]))) continue;
      mismatches++;
      if (first.length < 4) {
        const inputs = arrays.map((a, k) => `${a}=${initial[k][j - offsets[i] + offsets[k]]}`).join(" ");
        first.push(`element ${j - offsets[i]}: ${got[j]} (0x${gotBits[j].toString(16)}), expected ${want[j]} ` +
          `(0x${wantBits[j].toString(16)}); ${inputs}; scalars ${scalars.join(" ")}`);
      }
    }
    if (mismatches && unprotected) changed.add(d.name);
    else if (mismatches) failures.push({ kernel: d.name, mode: what, array: `${arrays[i]}${written.includes(arrays[i]) ? "" : " (input)"}`, mismatches, first });
    if (!unprotected) checked++;
  }
  [...buffers, ...readable, parameterBuffer].forEach((b) => b.destroy());
}

/**
 * common.wgsl as the adapter compiles it, and as a hostile conforming compiler may compile
 * it (test/browser/hostileCompiler.ts, the GLSL suite's): the GPU's quotient through the
 * reciprocal and its root through inverseSqrt, each then 1 to 3 ULP off, up in some
 * lanes and down in others (`sign` flips them): fdiv and fsqrt must correct every one to
 * the same bits.
 */
const estimates = (sign: number) => common
  .replace(/fn divEstimate\(a: vec4f, b: vec4f\) -> vec4f \{.*\}/,
    `fn divEstimate(a: vec4f, b: vec4f) -> vec4f { return off(a * (1.0 / b), vec4i(2, -2, 1, -3) * ${sign}); }`)
  .replace(/fn sqrtEstimate\(x: vec4f\) -> vec4f \{.*\}/,
    `fn sqrtEstimate(x: vec4f) -> vec4f { return off(1.0 / inverseSqrt(x), vec4i(-3, 3, -1, 2) * ${sign}); }
fn off(x: vec4f, ulps: vec4i) -> vec4f { return pin(bitcast<vec4f>(bitcast<vec4i>(x) + ulps)); }`);
const VARIANTS: [string, string][] = [["as compiled", common], ["hostile estimates", estimates(1)],
  ["hostile estimates, the other way", estimates(-1)]];
if (VARIANTS.some(([, text], i) => i > 0 && text === common)) throw new Error("the estimates of wgsl/common.wgsl were not replaced");
/** The kernels whose unprotected form (below) the hostile compiler changed. */
const changed = new Set<string>();

const passes = Object.values(DEFINITIONS).map((d) => ({ d, pass: renderWgsl(d) }));
for (const [variant, vocabulary] of VARIANTS) {
  const hostile = vocabulary !== common;
  for (const [index, { d, pass }] of passes.entries()) {
    // The variants that only change the estimates check the kernels that divide or take roots.
    if (hostile && !/fdiv|fsqrt/.test(pass)) continue;
    device.pushErrorScope("validation");
    const module = device.createShaderModule({ code: `${vocabulary}\n${pass}` });
    const error = await device.popErrorScope();
    if (error) {
      errors.push(`${d.name} (${variant}): ${error.message}`);
      continue;
    }
    for (const mode of ["keep", "flush", "keep, emulated"] as const) {
      for (let round = 0; round < 2; round++) {
        await check(d, module, `${mode}${hostile ? `, ${variant}` : ""}`, mode, 1000 * index + 10 * round + (mode === "flush" ? 1 : 0));
      }
      if (!hostile) await check(d, module, `${mode}, guarded`, mode, 1000 * index + 7, true);
    }
  }
}

// The same hostile compiler on the passes without the strict vocabulary: pin() the
// identity, the vocabulary's calls plain operators that it reassociates and folds, its
// division and root: it must change some kernels' bits (the strict ones keep them above).
const plainPin = /fn pin\(x: vec4f\) -> vec4f \{.*\}/;
if (!plainPin.test(common)) throw new Error("wgsl/common.wgsl no longer has the pin() this test replaces");
const unprotectedCommon = estimates(1).replace(plainPin, "fn pin(x: vec4f) -> vec4f { return x; }");
for (const [index, { d, pass }] of passes.entries()) {
  const module = device.createShaderModule({ code: `${unprotectedCommon}\n${unprotectedPass(pass, "inverseSqrt")}` });
  await check(d, module, "keep, unprotected", "keep", 1000 * index + 3, false, true);
}

// (TypeScript's DOM types predate GPUAdapter.info.)
const { vendor, description } = (adapter as unknown as { info: { vendor: string; description: string } }).info;
console.log(JSON.stringify({ adapter: `${description} (vendor ${vendor})`, features: [...adapter.features].sort(),
  kernels: Object.keys(DEFINITIONS).length, planned, checked, failures, errors, unprotectedChanged: [...changed].sort() }));
