/**
 * WGSL: each definition as a compute pass (after wgsl/common.wgsl) in which an
 * invocation computes four consecutive elements, every rounded operation one of
 * common.wgsl's strict calls, every value read through operand() (flushed when the
 * override FLUSH is true). Arrays are storage buffers of group 0 in argument order
 * (read-only for inputs, read-write for updates and outputs); the pass's parameters
 * (common.wgsl's Parameters) hold the element count, then each array's offset in
 * elements, then each scalar's bits. One dispatch covers one run of elements (see Run).
 * Every pass honours common.wgsl's non-finite guard.
 */
import {
  allArrays, mathFunctions, readArrays, writtenArrays, type ElementwiseDefinition, type Expr, type MathFunction,
} from "../vocabulary.js";
import { GENERATED, functionBody, shadingLanguage, straightLine } from "./common.js";

/** Invocations per workgroup of the elementwise passes: each computes four elements. */
export const WGSL_WORKGROUP = 64;

// (WGSL lets a compiler assume that no comparison sees a NaN: fgt ... feq decide it from the bits.)
const wgsl = shadingLanguage("WGSL", {
  select: (a, b, c) => `select(${c}, ${b}, ${a})`,
  gt: (a, b) => `fgt(${a}, ${b})`, ge: (a, b) => `fge(${a}, ${b})`, lt: (a, b) => `flt(${a}, ${b})`,
  le: (a, b) => `fle(${a}, ${b})`, eq: (a, b) => `feq(${a}, ${b})`,
  // From the bits, or under EMULATE from the sign (common.wgsl): an adapter that flushes subnormals may flush these.
  neg: (a) => `fneg(${a})`, abs: (a) => `fabs(${a})`, floor: (a) => `ffloor(${a})`,
}, (name, value) => `let ${name} = ${value};`);

const indent = (lines: string[]) => lines.map((line) => `  ${line}`);

/** A math function as a WGSL function of vec4fs, `${name}F`. */
function wgslFunction(fn: MathFunction): string[] {
  const params = Array.from({ length: fn.arity }, (_, i) => `p${i}: vec4f`).join(", ");
  const { lines, result } = functionBody(fn, wgsl);
  return [`// ${fn.doc}`, `fn ${fn.name}F(${params}) -> vec4f {`, ...indent(lines), `  return ${result};`, "}", ""];
}

/**
 * Every math function the definitions call, for the hand-written passes that call them
 * (their line `//! include math`; see src/devices/webgpu/index.ts).
 */
export function renderWgslMath(definitions: readonly ElementwiseDefinition[]): string {
  const roots = definitions.flatMap((d) => Object.values(d.results) as Expr[]);
  return [`// ${GENERATED("src/kernels/math.ts")}`, ...mathFunctions(roots).flatMap(wgslFunction)].join("\n");
}

/** The compute pass of one definition. */
export function renderWgsl(d: ElementwiseDefinition): string {
  const arrays = allArrays(d);
  const read = readArrays(d);
  const written = writtenArrays(d);
  const roots = written.map((w) => d.results[w]);
  const offset = (a: string) => `parameters.values[${arrays.indexOf(a)}]`;
  const out = [`// ${GENERATED(`src/kernels/ (${d.name})`)}`, `// ${d.doc}.`,
    `// Arrays (group 0, in order): ${arrays.join(", ")}. Parameters: count, then the arrays' offsets, then the ` +
    `scalars${d.scalars.length ? ` (${d.scalars.join(", ")})` : ""}.`, ""];
  arrays.forEach((a, i) => out.push(
    `@group(0) @binding(${i}) var<storage, ${written.includes(a) ? "read_write" : "read"}> a_${a}: array<f32>;`));
  out.push("");
  for (const a of read) {
    // Elements past the array's end come out as its last (they belong to no output element).
    out.push(`fn fetch_${a}(e: u32) -> vec4f {`,
      `  let i = ${offset(a)} + e;`,
      `  let last = arrayLength(&a_${a}) - 1u;`,
      `  return vec4f(a_${a}[min(i, last)], a_${a}[min(i + 1u, last)], a_${a}[min(i + 2u, last)], a_${a}[min(i + 3u, last)]);`,
      "}", "");
  }
  for (const w of written) {
    out.push(`fn store_${w}(e: u32, v: vec4f) {`,
      `  let i = ${offset(w)} + e;`,
      "  for (var k = 0u; k < 4u; k++) {",
      `    if (e + k < parameters.count) { a_${w}[i + k] = v[k]; }`,
      "  }", "}", "");
  }
  for (const fn of mathFunctions(roots)) out.push(...wgslFunction(fn));
  const { lines, results } = straightLine(roots, wgsl);
  out.push(`@compute @workgroup_size(${WGSL_WORKGROUP})`,
    "fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {",
    "  let e = 4u * invocation(id, groups);",
    "  if (e >= parameters.count || guard[0] != 0u) { return; }",
    ...d.scalars.map((s, i) => `  let s_${s} = operand(vec4f(bitcast<f32>(parameters.values[${arrays.length + i}])));`),
    ...read.map((a) => `  let v_${a} = operand(fetch_${a}(e));`),
    ...indent(lines),
    ...written.map((w, i) => `  store_${w}(e, ${results[i]});`),
    "}", "");
  return out.join("\n");
}
