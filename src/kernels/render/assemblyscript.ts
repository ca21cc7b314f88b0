/**
 * AssemblyScript: each definition as two exports, X (subnormals "keep") and XFlush,
 * over one @inline body taking `flush` as a constant, so that each mode compiles to its
 * own loop and "keep" pays nothing for "flush" (see assembly/vocabulary.ts). The body
 * runs four elements per f32x4 operation, then a scalar tail; both are the same
 * operations in the same order, so every lane and the tail give the bits of the js reference.
 */
import { allArrays, mathFunctions, readArrays, writtenArrays, type ElementwiseDefinition, type Expr } from "../vocabulary.js";
import { GENERATED, decimal, functionBody, hex, straightLine, type Language } from "./common.js";

const scalarOps: Record<string, (a: string, b: string, c: string) => string> = {
  add: (a, b) => `fadd(${a}, ${b}, flush)`, sub: (a, b) => `fsub(${a}, ${b}, flush)`,
  mul: (a, b) => `fmul(${a}, ${b}, flush)`, div: (a, b) => `fdiv(${a}, ${b}, flush)`, sqrt: (a) => `fsqrt(${a}, flush)`,
  neg: (a) => `-${a}`, abs: (a) => `abs<f32>(${a})`, min: (a, b) => `min<f32>(${a}, ${b})`,
  max: (a, b) => `max<f32>(${a}, ${b})`, floor: (a) => `floor<f32>(${a})`, select: (a, b, c) => `select<f32>(${b}, ${c}, ${a})`,
  pow2: (a) => `pow2(${a})`, exponent: (a) => `exponentOf(${a})`, significand: (a) => `significandOf(${a})`,
  gt: (a, b) => `${a} > ${b}`, ge: (a, b) => `${a} >= ${b}`, lt: (a, b) => `${a} < ${b}`, le: (a, b) => `${a} <= ${b}`,
  eq: (a, b) => `${a} == ${b}`, isNaN: (a) => `isNaN<f32>(${a})`,
};

const vectorOps: Record<string, (a: string, b: string, c: string) => string> = {
  add: (a, b) => `vadd(${a}, ${b}, flush)`, sub: (a, b) => `vsub(${a}, ${b}, flush)`,
  mul: (a, b) => `vmul(${a}, ${b}, flush)`, div: (a, b) => `vdiv(${a}, ${b}, flush)`, sqrt: (a) => `vsqrt(${a}, flush)`,
  neg: (a) => `f32x4.neg(${a})`, abs: (a) => `f32x4.abs(${a})`, min: (a, b) => `f32x4.min(${a}, ${b})`,
  max: (a, b) => `f32x4.max(${a}, ${b})`, floor: (a) => `f32x4.floor(${a})`, select: (a, b, c) => `v128.bitselect(${b}, ${c}, ${a})`,
  pow2: (a) => `vpow2(${a})`, exponent: (a) => `vexponentOf(${a})`, significand: (a) => `vsignificandOf(${a})`,
  gt: (a, b) => `f32x4.gt(${a}, ${b})`, ge: (a, b) => `f32x4.ge(${a}, ${b})`, lt: (a, b) => `f32x4.lt(${a}, ${b})`,
  le: (a, b) => `f32x4.le(${a}, ${b})`, eq: (a, b) => `f32x4.eq(${a}, ${b})`, isNaN: (a) => `f32x4.ne(${a}, ${a})`,
};

function language(vector: boolean): Language {
  const ops = vector ? vectorOps : scalarOps;
  return {
    leaf(e) {
      switch (e.op) {
        case "array": return `v_${e.name}`;
        case "scalar": return vector ? `vs_${e.name}` : `s_${e.name}`;
        case "param": return `p${e.index}`;
        case "const": {
          const scalar = `reinterpret<f32>(${hex(e.bits)}) /* ${decimal(e.bits)} */`;
          return vector ? `f32x4.splat(${scalar})` : scalar;
        }
        default: throw new Error(`not a leaf: ${e.op}`);
      }
    },
    operation(e, [a, b, c]) {
      if (e.op === "call") {
        const { fn } = e as Extract<Expr, { op: "call" }>;
        return `${fn.name}${vector ? "V" : "S"}(${[a, b, c].filter((x) => x !== undefined).join(", ")}, flush)`;
      }
      const op = ops[e.op];
      if (!op) throw new Error(`no AssemblyScript for ${e.op}`);
      return op(a, b, c);
    },
    bind: (name, value) => `const ${name} = ${value};`,
  };
}

const indent = (lines: string[], depth: number) => lines.map((line) => `${"  ".repeat(depth)}${line}`);

function loop(d: ElementwiseDefinition, vector: boolean): string[] {
  const written = writtenArrays(d);
  const { lines, results } = straightLine(written.map((w) => d.results[w]), language(vector));
  return [
    "const o = <usize>i << 2;",
    ...readArrays(d).map((a) => vector ? `const v_${a} = vload(${a} + o, flush);` : `const v_${a} = fload(${a} + o, flush);`),
    ...lines,
    ...written.map((w, i) => vector ? `v128.store(${w} + o, ${results[i]});` : `store<f32>(${w} + o, ${results[i]});`),
  ];
}

/**
 * The math functions the definitions call, exported (scalar S and four-lane V forms):
 * the rendered kernels import them, and so do the hand-written row kernels (assembly/rows.ts).
 */
export function renderAssemblyScriptMath(definitions: readonly ElementwiseDefinition[]): string {
  const out = [
    `// ${GENERATED("src/kernels/math.ts")}`,
    'import { fadd, fsub, fmul, fdiv, fsqrt, vadd, vsub, vmul, vdiv, vsqrt, pow2, vpow2, exponentOf, vexponentOf, significandOf,',
    '  vsignificandOf } from "./vocabulary";',
    "",
  ];
  for (const fn of mathFunctions(definitions.flatMap((d) => Object.values(d.results) as Expr[]))) {
    for (const vector of [false, true]) {
      const type = vector ? "v128" : "f32";
      const params = Array.from({ length: fn.arity }, (_, i) => `p${i}: ${type}`).join(", ");
      const { lines, result } = functionBody(fn, language(vector));
      out.push(`/** ${fn.doc}${vector ? ", four lanes" : ""} */`,
        `@inline export function ${fn.name}${vector ? "V" : "S"}(${params}, flush: bool): ${type} {`,
        ...indent(lines, 1), `  return ${result};`, "}", "");
    }
  }
  return out.join("\n");
}

/** The module of every definition's exports; the math functions they call come from math.generated.ts. */
export function renderAssemblyScript(definitions: readonly ElementwiseDefinition[]): string {
  const functions = mathFunctions(definitions.flatMap((d) => Object.values(d.results) as Expr[]))
    .flatMap((fn) => [`${fn.name}S`, `${fn.name}V`]);
  const out = [
    `// ${GENERATED("src/kernels/")}`,
    "// Pointers are byte addresses of f32 arrays of n elements; scalars are rounded to float32 on the host.",
    'import { fl, fload, fadd, fsub, fmul, fdiv, fsqrt, vload, vadd, vsub, vmul, vdiv, vsqrt, pow2, vpow2, exponentOf,',
    '  vexponentOf, significandOf, vsignificandOf } from "./vocabulary";',
    ...(functions.length ? [`import { ${functions.join(", ")} } from "./math.generated";`] : []),
    "",
  ];
  for (const d of definitions) {
    const params = [...allArrays(d).map((a) => `${a}: usize`), "n: i32", ...d.scalars.map((s) => `${s}: f32`)].join(", ");
    const args = [...allArrays(d), "n", ...d.scalars].join(", ");
    out.push(
      `/** ${d.doc}. */`,
      `export function ${d.name}(${params}): void {`, `  ${d.name}Body(${args}, false);`, "}", "",
      `/** ${d.name} under subnormals "flush". */`,
      `export function ${d.name}Flush(${params}): void {`, `  ${d.name}Body(${args}, true);`, "}", "",
      `@inline function ${d.name}Body(${params}, flush: bool): void {`,
      ...d.scalars.map((s) => `  const s_${s} = fl(${s}, flush);`),
      "  let i = 0;",
      "  if (ASC_FEATURE_SIMD) {",
      ...d.scalars.map((s) => `    const vs_${s} = f32x4.splat(s_${s});`),
      "    for (; i + 4 <= n; i += 4) {", ...indent(loop(d, true), 3), "    }",
      "  }",
      "  for (; i < n; i++) {", ...indent(loop(d, false), 2), "  }",
      "}", "");
  }
  return out.join("\n");
}
