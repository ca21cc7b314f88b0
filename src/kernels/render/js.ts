/**
 * The js reference: each definition as a loop over Float32Arrays, every rounded
 * operation wrapped in the mode's rounding `f` (see src/devices/js/rounding.ts), and
 * every value read through it too.
 */
import { allArrays, mathFunctions, readArrays, writtenArrays, type ElementwiseDefinition, type Expr } from "../vocabulary.js";
import { GENERATED, decimal, functionBody, hex, straightLine, type Language } from "./common.js";

const INFIX: Record<string, string> = { add: "+", sub: "-", mul: "*", div: "/", gt: ">", ge: ">=", lt: "<", le: "<=", eq: "===" };

const js: Language = {
  leaf(e) {
    switch (e.op) {
      case "array": return `v_${e.name}`;
      case "scalar": return `s_${e.name}`;
      case "param": return `p${e.index}`;
      case "const": return `${decimal(e.bits)} /* ${hex(e.bits)} */`.replace(/^NaN \/\* 0x7fc00000 \*\/$/, "NaN");
      default: throw new Error(`not a leaf: ${e.op}`);
    }
  },
  operation(e, [a, b, c]) {
    switch (e.op) {
      case "add": case "sub": case "mul": case "div": return `f(${a} ${INFIX[e.op]} ${b})`;
      case "sqrt": return `f(Math.sqrt(${a}))`;
      case "gt": case "ge": case "lt": case "le": case "eq": return `${a} ${INFIX[e.op]} ${b}`;
      case "isNaN": return `${a} !== ${a}`;
      case "neg": return `-(${a})`;
      case "abs": return `Math.abs(${a})`;
      case "min": return `Math.min(${a}, ${b})`;
      case "max": return `Math.max(${a}, ${b})`;
      case "floor": return `Math.floor(${a})`;
      case "select": return `${a} ? ${b} : ${c}`;
      case "pow2": return `2 ** ${a}`;
      case "exponent": return `exponentOf(${a})`;
      case "significand": return `significandOf(${a})`;
      case "call": return `${(e as Extract<Expr, { op: "call" }>).fn.name}f(${[a, b, c].filter((x) => x !== undefined).join(", ")}, f)`;
      default: throw new Error(`no JavaScript for ${e.op}`);
    }
  },
  bind: (name, value) => `const ${name} = ${value};`,
};

const indent = (lines: string[], depth: number) => lines.map((line) => `${"  ".repeat(depth)}${line}`);

/**
 * The module of every definition's reference loop and the math functions they call:
 * TypeScript, or with `typescript` false the same code without its types (what a test
 * of a definition not in the package evaluates).
 */
export function renderJs(definitions: readonly ElementwiseDefinition[], typescript = true): string {
  const roots = definitions.flatMap((d) => Object.values(d.results) as Expr[]);
  const type = (annotation: string) => (typescript ? annotation : "");
  const out = [`// ${GENERATED("src/kernels/")}`,
    `import { exponentOf, significandOf${type(", type Round")} } from "./rounding.js";`, ""];
  for (const fn of mathFunctions(roots)) {
    const params = Array.from({ length: fn.arity }, (_, i) => `p${i}${type(": number")}`).join(", ");
    const { lines, result } = functionBody(fn, js);
    out.push(`/** ${fn.doc} */`, `export function ${fn.name}f(${params}, f${type(": Round")})${type(": number")} {`,
      ...indent(lines, 1), `  return ${result};`, "}", "");
  }
  for (const d of definitions) {
    const written = writtenArrays(d);
    const { lines, results } = straightLine(written.map((w) => d.results[w]), js);
    out.push(`/** ${d.doc}: arrays ${allArrays(d).join(", ")}; scalars ${d.scalars.join(", ") || "none"}. */`,
      `function ${d.name}Kernel(arrays${type(": Float32Array[]")}, ${d.scalars.length ? "" : "_"}scalars${type(": readonly number[]")}, ` +
      `f${type(": Round")})${type(": void")} {`,
      `  const [${allArrays(d).join(", ")}] = arrays;`,
      ...d.scalars.map((s, i) => `  const s_${s} = f(scalars[${i}]);`),
      `  for (let i = 0; i < ${written[0]}.length; i++) {`,
      ...readArrays(d).map((a) => `    const v_${a} = f(${a}[i]);`),
      ...indent(lines, 2),
      ...written.map((w, i) => `    ${w}[i] = ${results[i]};`),
      "  }", "}", "");
  }
  out.push("/** Every kernel by name: arrays in the definition's order (inputs, updates, outputs), then its scalars. */",
    "export const kernels = {", ...definitions.map((d) => `  ${d.name}: ${d.name}Kernel,`), "};", "");
  return out.join("\n");
}
