// Shared by test/render.test.ts and test/browser/renderers.test.ts: a kernel definition
// with one operation dropped, rendered and run outside the package, to show that every
// device's code comes from the one definition.
import { renderJs } from "../src/kernels/render/js.js";
import { exponentOf, rounding, significandOf } from "../src/devices/js/rounding.js";
import { schedule, type ElementwiseDefinition, type Expr } from "../src/kernels/vocabulary.js";
import type { SubnormalMode } from "../src/index.js";

/** `definition` renamed, with the first `op` in evaluation order replaced by its first argument. */
export function dropOperation(definition: ElementwiseDefinition, op: string, name: string): ElementwiseDefinition {
  const roots = Object.values(definition.results) as Expr[];
  const target = schedule(roots).find((e) => e.op === op);
  if (!target || !("args" in target)) throw new Error(`${definition.name} has no ${op}`);
  const memo = new Map<Expr, Expr>();
  const rebuild = (e: Expr): Expr => {
    if (e === target) return rebuild(target.args[0]);
    if (!("args" in e)) return e;
    let copy = memo.get(e);
    if (!copy) {
      copy = { ...e, args: e.args.map(rebuild) } as Expr;
      memo.set(e, copy);
    }
    return copy;
  };
  const results = Object.fromEntries(Object.entries(definition.results).map(([k, e]) => [k, rebuild(e as Expr)]));
  return { ...definition, name, results };
}

type JsKernel = (arrays: Float32Array[], scalars: readonly number[], f: (x: number) => number) => void;

/** The js renderer's code for `definitions`, evaluated: each kernel by name. */
export function evaluateJs(definitions: readonly ElementwiseDefinition[]): Record<string, JsKernel> {
  const code = renderJs(definitions, false).replace(/^import .*$/m, "").replace(/^export /gm, "");
  return new Function("exponentOf", "significandOf", `${code}\nreturn kernels;`)(exponentOf, significandOf);
}

/** Runs an evaluated js kernel on copies of `arrays` (in the definition's order); returns them. */
export function runJs(kernel: JsKernel, arrays: Float32Array[], scalars: number[], subnormals: SubnormalMode = "keep"): Float32Array[] {
  const copies = arrays.map((a) => a.slice());
  kernel(copies, scalars.map(Math.fround), rounding(subnormals));
  return copies;
}
