/**
 * The strict vocabulary of elementwise kernels: a definition's body builds an expression
 * graph from these calls, and each renderer (src/kernels/render/) writes the graph in its
 * language with the device's own strict operations. The graph is the operation order:
 * every rounded operation (add, sub, mul, div, sqrt) is one float32 rounding on every
 * device, in subnormal mode "flush" with its operands and result flushed; the others are
 * exact (a sign, a choice, a power of two, a field of the bits) and round nothing.
 */

/** Operations whose result is rounded to float32 (and flushed, in "flush" mode). */
export type RoundedOp = "add" | "sub" | "mul" | "div" | "sqrt";
/** Exact operations on floats: no rounding, so no flushing either. */
export type ExactOp = "neg" | "abs" | "min" | "max" | "floor" | "select" | "pow2" | "exponent" | "significand";
/** Comparisons and predicates: their result is a condition, used by select. */
export type TestOp = "gt" | "ge" | "lt" | "le" | "eq" | "isNaN";

/** A node of a kernel's expression graph; nodes are shared by identity (a value used twice is computed once). */
export type Expr =
  | { readonly op: "array"; readonly name: string }
  | { readonly op: "scalar"; readonly name: string }
  | { readonly op: "param"; readonly index: number }
  | { readonly op: "const"; readonly bits: number }
  | { readonly op: RoundedOp | ExactOp | TestOp; readonly args: readonly Expr[] }
  | { readonly op: "call"; readonly fn: MathFunction; readonly args: readonly Expr[] };

/** A number, as a float32 constant, or an expression. */
export type Value = Expr | number;

const bitsView = new DataView(new ArrayBuffer(4));

/** The bits of x rounded to float32. */
export function float32Bits(x: number): number {
  bitsView.setFloat32(0, x);
  return bitsView.getUint32(0);
}

/** The float32 whose bits are `bits`. */
export function fromBits(bits: number): number {
  bitsView.setUint32(0, bits >>> 0);
  return bitsView.getFloat32(0);
}

/**
 * A float32 constant given by its bits, so that it does not depend on any parser's
 * decimal conversion (a number is accepted where it is exactly a float32).
 */
export function bits(pattern: number): Expr {
  return { op: "const", bits: pattern >>> 0 };
}

function value(x: Value): Expr {
  if (typeof x !== "number") return x;
  if (Math.fround(x) !== x && !Number.isNaN(x)) {
    throw new Error(`constant ${x} is not a float32: write it as bits(0x${float32Bits(x).toString(16)}) with its decimal in a comment`);
  }
  return bits(float32Bits(x));
}

const node = (op: RoundedOp | ExactOp | TestOp, ...args: Value[]): Expr => ({ op, args: args.map(value) });

export const add = (a: Value, b: Value): Expr => node("add", a, b);
export const sub = (a: Value, b: Value): Expr => node("sub", a, b);
export const mul = (a: Value, b: Value): Expr => node("mul", a, b);
export const div = (a: Value, b: Value): Expr => node("div", a, b);
export const sqrt = (a: Value): Expr => node("sqrt", a);
export const neg = (a: Value): Expr => node("neg", a);
export const abs = (a: Value): Expr => node("abs", a);
/** The smaller; NaN if either is NaN (WebAssembly's f32.min, JavaScript's Math.min). */
export const min = (a: Value, b: Value): Expr => node("min", a, b);
export const max = (a: Value, b: Value): Expr => node("max", a, b);
export const floor = (a: Value): Expr => node("floor", a);
/** `ifTrue` where `condition` holds, else `ifFalse`: both are computed (no branch on any device). */
export const select = (condition: Expr, ifTrue: Value, ifFalse: Value): Expr => node("select", condition, ifTrue, ifFalse);
/** 2^n for an integer n in [-126, 127] (exact: a float built from its exponent bits); NaN for NaN. */
export const pow2 = (n: Value): Expr => node("pow2", n);
/** e for a positive normal x = m * 2^e, m in [1, 2): the exponent field of x minus 127, as a float. */
export const exponent = (x: Value): Expr => node("exponent", x);
/** m for a positive normal x = m * 2^e, m in [1, 2): x with its exponent field set to 127. */
export const significand = (x: Value): Expr => node("significand", x);
export const gt = (a: Value, b: Value): Expr => node("gt", a, b);
export const ge = (a: Value, b: Value): Expr => node("ge", a, b);
export const lt = (a: Value, b: Value): Expr => node("lt", a, b);
export const le = (a: Value, b: Value): Expr => node("le", a, b);
export const eq = (a: Value, b: Value): Expr => node("eq", a, b);
/** Whether x is NaN, from its bits (a GPU compiler may assume comparisons never see NaN). */
export const isNaN = (a: Value): Expr => node("isNaN", a);

/**
 * A float32 math function (exp, log, tanh, sigmoid) written in the vocabulary: each
 * renderer writes it once per language as a function of its own, called by the kernels.
 */
export interface MathFunction {
  readonly name: string;
  readonly arity: number;
  readonly body: Expr;
  /** A description for the generated code's comment. */
  readonly doc: string;
}

/** Defines a math function of `arity` arguments; the result is what kernels call. */
export function mathFunction(name: string, doc: string, arity: number,
  body: (...params: Expr[]) => Expr): ((...args: Value[]) => Expr) & { fn: MathFunction } {
  const params = Array.from({ length: arity }, (_, index): Expr => ({ op: "param", index }));
  const fn: MathFunction = { name, arity, doc, body: body(...params) };
  return Object.assign((...args: Value[]) => ({ op: "call", fn, args: args.map(value) }) as Expr, { fn });
}

/**
 * An elementwise kernel: per element i, the body maps the arrays' elements i and the
 * scalars to new values of the arrays it writes. `inputs` are only read, `updates` are
 * read and written in place, `outputs` are only written. Scalars are float32 values the
 * host computes once per call (or per run of elements, see Run).
 */
export interface ElementwiseDefinition<
  I extends string = string, U extends string = string, O extends string = string, S extends string = string> {
  readonly name: string;
  /** One line for the generated code and the docs: what the kernel computes. */
  readonly doc: string;
  readonly inputs: readonly I[];
  readonly updates: readonly U[];
  readonly outputs: readonly O[];
  readonly scalars: readonly S[];
  /** The expression of every written array (updates and outputs). */
  readonly results: Readonly<Record<U | O, Expr>>;
  /** Every array in argument order: inputs, updates, outputs. */
  readonly arrays: readonly (I | U | O)[];
}

export interface DefinitionSpec<I extends string, U extends string, O extends string, S extends string> {
  doc: string;
  inputs?: readonly I[];
  updates?: readonly U[];
  outputs?: readonly O[];
  scalars?: readonly S[];
  body: (arrays: Record<I | U, Expr>, scalars: Record<S, Expr>) => Record<U | O, Value>;
}

/**
 * Arrays written at once: WebGL2 guarantees four render targets, and the widest
 * optimizer step (SMORMS3: param, mem, mg, ms) writes four.
 */
export const MAX_WRITTEN = 4;

/** Runs of elements (see Run in src/runtime/Device.ts) one webgl2 draw call takes; more are drawn in several calls. */
export const MAX_RUNS = 32;

/**
 * Names no array or scalar of a definition may have: the renderers derive identifiers from
 * them (GLSL uniforms u_NAME and u_NAMEOffset, a macro NAME in upper case; JavaScript
 * parameters NAME), which would collide with glsl/common.glsl's uniforms (u_count,
 * u_outOffset, u_outShift, u_zero: an array `out` binds u_outOffset), the runs' uniforms
 * (u_runs, u_runEnd), its macros (OPERAND, RESULT, GATHER, ADD_ROW) or a JavaScript word.
 */
const RESERVED = new Set(["count", "out", "outOffset", "outShift", "zero", "runs", "runEnd", "operand", "result", "gather",
  "arguments", "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do",
  "else", "enum", "eval", "export", "extends", "false", "finally", "for", "function", "if", "implements", "import", "in",
  "instanceof", "interface", "let", "new", "null", "package", "private", "protected", "public", "return", "static",
  "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield"]);

/** Builds a definition: the body runs once here, on symbolic arrays and scalars. */
export function elementwise<I extends string = never, U extends string = never, O extends string = never,
  S extends string = never>(name: string, spec: DefinitionSpec<I, U, O, S>): ElementwiseDefinition<I, U, O, S> {
  const inputs = spec.inputs ?? [];
  const updates = spec.updates ?? [];
  const outputs = spec.outputs ?? [];
  const scalars = spec.scalars ?? [];
  const names = [...inputs, ...updates, ...outputs, ...scalars];
  if (new Set(names).size !== names.length) throw new Error(`kernel ${name}: a name is used twice in ${names.join(", ")}`);
  for (const used of names) {
    if (!/^[a-z][A-Za-z0-9]*$/.test(used) || RESERVED.has(used)) {
      throw new Error(`kernel ${name}: ${JSON.stringify(used)} cannot name an array or scalar; expected a lowerCamelCase ` +
        `identifier other than ${[...RESERVED].slice(0, 8).join(", ")} and JavaScript's reserved words`);
    }
  }
  if (updates.length + outputs.length === 0 || updates.length + outputs.length > MAX_WRITTEN) {
    throw new Error(`kernel ${name} writes ${updates.length + outputs.length} arrays; expected 1 to ${MAX_WRITTEN}`);
  }
  const arrays = Object.fromEntries([...inputs, ...updates].map((a) => [a, { op: "array", name: a }])) as unknown as Record<I | U, Expr>;
  const scalarExprs = Object.fromEntries(scalars.map((s) => [s, { op: "scalar", name: s }])) as unknown as Record<S, Expr>;
  const returned = spec.body(arrays, scalarExprs);
  const results = {} as Record<U | O, Expr>;
  for (const written of [...updates, ...outputs] as (U | O)[]) {
    if (returned[written] === undefined) throw new Error(`kernel ${name}: the body gives no value for ${written}`);
    results[written] = value(returned[written]);
  }
  return { name, doc: spec.doc, inputs, updates, outputs, scalars, results, arrays: [...inputs, ...updates, ...outputs] };
}

/** The arrays a kernel reads (inputs, then updates), in its argument order. */
export const readArrays = (d: ElementwiseDefinition): string[] => [...d.inputs, ...d.updates];
/** The arrays a kernel writes (updates, then outputs), in render-target order. */
export const writtenArrays = (d: ElementwiseDefinition): string[] => [...d.updates, ...d.outputs];
/** Every array of a kernel in its argument order: inputs, updates, outputs. */
export const allArrays = (d: ElementwiseDefinition): readonly string[] => d.arrays;

/**
 * The graph in evaluation order: every node after its arguments, each once. Math
 * function calls are nodes; their bodies are rendered separately (mathFunctions()).
 */
export function schedule(roots: readonly Expr[]): Expr[] {
  const seen = new Set<Expr>();
  const order: Expr[] = [];
  const visit = (e: Expr) => {
    if (seen.has(e)) return;
    seen.add(e);
    if ("args" in e) e.args.forEach(visit);
    order.push(e);
  };
  roots.forEach(visit);
  return order;
}

/** The math functions the roots call, directly or through other functions, callees first. */
export function mathFunctions(roots: readonly Expr[]): MathFunction[] {
  const found: MathFunction[] = [];
  const visitFn = (fn: MathFunction) => {
    if (found.includes(fn)) return;
    for (const e of schedule([fn.body])) if (e.op === "call") visitFn(e.fn);
    found.push(fn);
  };
  for (const e of schedule(roots)) if (e.op === "call") visitFn(e.fn);
  return found;
}
