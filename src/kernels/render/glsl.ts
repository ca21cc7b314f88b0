/**
 * GLSL ES 3.00: each definition as a fragment pass (after glsl/common.glsl) writing four
 * elements per fragment, one render target per written array, every rounded operation
 * one of common.glsl's strict calls (pinned, with correctly rounded division and root),
 * every value read through OPERAND (flushed when FLUSH is defined). With RUNS defined,
 * each scalar is a uniform array of one value per run of elements (see Run).
 */
import { MAX_RUNS, mathFunctions, readArrays, writtenArrays, type ElementwiseDefinition, type Expr, type MathFunction } from "../vocabulary.js";
import { GENERATED, functionBody, shadingLanguage, straightLine } from "./common.js";

const glsl = shadingLanguage("GLSL", {
  select: (a, b, c) => `mix(${c}, ${b}, ${a})`,
  gt: (a, b) => `greaterThan(${a}, ${b})`, ge: (a, b) => `greaterThanEqual(${a}, ${b})`, lt: (a, b) => `lessThan(${a}, ${b})`,
  le: (a, b) => `lessThanEqual(${a}, ${b})`, eq: (a, b) => `equal(${a}, ${b})`,
}, (name, value, condition) => `${condition ? "bvec4" : "vec4"} ${name} = ${value};`);

const indent = (lines: string[]) => lines.map((line) => `  ${line}`);

/** A math function as a GLSL function of vec4s, `${name}F`. */
function glslFunction(fn: MathFunction): string[] {
  const params = Array.from({ length: fn.arity }, (_, i) => `vec4 p${i}`).join(", ");
  const { lines, result } = functionBody(fn, glsl);
  return [`// ${fn.doc}`, `vec4 ${fn.name}F(${params}) {`, ...indent(lines), `  return ${result};`, "}", ""];
}

/**
 * Every math function the definitions call, for the hand-written passes that call them
 * (their line `INCLUDE(math)`; see src/devices/webgl2/passes.ts).
 */
export function renderGlslMath(definitions: readonly ElementwiseDefinition[]): string {
  const roots = definitions.flatMap((d) => Object.values(d.results) as Expr[]);
  return [`// ${GENERATED("src/kernels/math.ts")}`, ...mathFunctions(roots).flatMap(glslFunction)].join("\n");
}

/** The fragment pass of one definition. */
export function renderGlsl(d: ElementwiseDefinition): string {
  const written = writtenArrays(d);
  const roots = written.map((w) => d.results[w]);
  const out = [`// ${GENERATED(`src/kernels/ (${d.name})`)}`, `// ${d.doc}.`, ...readArrays(d).map((a) => `INPUT(${a})`)];
  if (d.scalars.length) {
    out.push(
      "#ifdef RUNS",
      `// Element e is in the first run whose end is above it; scalar arrays hold one value per run, four per vec4.`,
      `uniform int u_runs;`,
      `uniform ivec4 u_runEnd[${MAX_RUNS / 4}];`,
      `uniform vec4 ${d.scalars.map((s) => `u_${s}[${MAX_RUNS / 4}]`).join(", ")};`,
      "#define RUN_VALUE(u, r) vec4(u[r.x >> 2][r.x & 3], u[r.y >> 2][r.y & 3], u[r.z >> 2][r.z & 3], u[r.w >> 2][r.w & 3])",
      "#else",
      `uniform float ${d.scalars.map((s) => `u_${s}`).join(", ")};`,
      "#endif");
  }
  out.push(...written.map((w, i) => `layout(location = ${i}) out vec4 o_${w};`), "");
  for (const fn of mathFunctions(roots)) out.push(...glslFunction(fn));
  const { lines, results } = straightLine(roots, glsl);
  out.push("void main() {", "  int e = firstElement();");
  if (d.scalars.length) {
    out.push(
      "#ifdef RUNS",
      "  ivec4 elements = ivec4(e) + ivec4(0, 1, 2, 3);",
      "  ivec4 r = ivec4(0);",
      "  for (int k = 0; k < u_runs - 1; k++) r += ivec4(greaterThanEqual(elements, ivec4(u_runEnd[k >> 2][k & 3])));",
      ...d.scalars.map((s) => `  vec4 s_${s} = OPERAND(RUN_VALUE(u_${s}, r));`),
      "#else",
      ...d.scalars.map((s) => `  vec4 s_${s} = OPERAND(vec4(u_${s}));`),
      "#endif");
  }
  out.push(
    ...readArrays(d).map((a) => `  vec4 v_${a} = OPERAND(fetch4(${a.toUpperCase()}, u_${a}Offset + e));`),
    ...indent(lines),
    ...written.map((w, i) => `  o_${w} = ${results[i]};`),
    "}", "");
  return out.join("\n");
}
