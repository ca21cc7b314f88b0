// A simulated GLSL ES 3.00 (or WGSL: test/webgpu/elementwise.ts) compiler that takes every liberty the spec allows: division
// and square root at their worst allowed accuracy (a * (1.0 / b), 1.0 / inversesqrt(x),
// estimates a few ULP off), and, wherever it can see one operation's result flowing
// into the next, reassociation ((x + y) + z -> x + (y + z), (x - y) + z -> (x + z) - y)
// and folding ((a + b) - b -> a). It rewrites the shader source before it compiles.
//
// Strict passes (glsl/common.glsl) pass every result through pin(), which the compiler
// cannot see through, so only the GPU's estimates inside fdiv and fsqrt change. The
// "unprotected" form is what the passes were before: pin() is the identity and the
// vocabulary calls are plain operators, which the rewrites then reach.

type Node = string | { call: string; args: Node[] };

const VOCABULARY = ["fadd", "fsub", "fmul", "fdiv", "fsqrt"];
const CALL = new RegExp(`\\b(${VOCABULARY.join("|")})\\(`, "g");

/** Parses `text` into plain text and vocabulary calls with their parsed arguments. */
function parse(text: string): Node[] {
  const nodes: Node[] = [];
  let at = 0;
  CALL.lastIndex = 0;
  for (let match = CALL.exec(text); match; match = CALL.exec(text)) {
    // A definition (`vec4 fadd(`, `fn fadd(`) is not a call.
    if (/\b(float|vec4|fn)\s+$/.test(text.slice(Math.max(0, match.index - 8), match.index))) continue;
    const args: string[] = [];
    let depth = 0, start = match.index + match[0].length, i = start;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === "(") depth++;
      else if (c === ")" && depth-- === 0) break;
      else if (c === "," && depth === 0) {
        args.push(text.slice(start, i));
        start = i + 1;
      }
    }
    args.push(text.slice(start, i));
    nodes.push(text.slice(at, match.index), { call: match[1], args: args.map((a) => parse(a.trim())).map(join) });
    at = i + 1;
    CALL.lastIndex = at;
  }
  nodes.push(text.slice(at));
  return nodes;
}

/** A node list as one node (a lone call stays a call, so rules can match it). */
function join(nodes: Node[]): Node {
  const kept = nodes.filter((n) => n !== "");
  return kept.length === 1 ? kept[0] : { call: "", args: kept };
}

type Operators = Record<string, (a: string[]) => string>;

const print = (n: Node, raw: Operators): string => (typeof n === "string" ? n : n.call === ""
  ? n.args.map((a) => print(a, raw)).join("") : raw[n.call](n.args.map((a) => print(a, raw))));

/** How the unprotected form writes each operation. */
const PLAIN: Operators = {
  fadd: ([a, b]) => `(${a} + ${b})`,
  fsub: ([a, b]) => `(${a} - ${b})`,
  fmul: ([a, b]) => `(${a} * ${b})`,
  fdiv: ([a, b]) => `(${a} / ${b})`,
  fsqrt: ([x]) => `sqrt(${x})`,
};

/** ... and with the hostile division and root (`inverseSqrt`: the language's name for it). */
const hostile = (inverseSqrt: string): Operators => ({
  ...PLAIN,
  fdiv: ([a, b]) => `(${a} * (1.0 / ${b}))`,
  fsqrt: ([x]) => `(1.0 / ${inverseSqrt}(${x}))`,
});

const isCall = (n: Node, name: string): n is { call: string; args: Node[] } => typeof n !== "string" && n.call === name;

/** Reassociation and folding wherever one visible operation feeds the next. */
function rewrite(n: Node): Node {
  if (typeof n === "string") return n;
  const args = n.args.map(rewrite);
  const [x, y] = args;
  if (n.call === "fsub" && isCall(x, "fadd") && print(x.args[1], PLAIN) === print(y, PLAIN)) return x.args[0];
  if (n.call === "fadd" && isCall(x, "fadd")) return { call: "fadd", args: [x.args[0], { call: "fadd", args: [x.args[1], y] }] };
  if (n.call === "fadd" && isCall(x, "fsub")) return { call: "fsub", args: [{ call: "fadd", args: [x.args[0], y] }, x.args[1]] };
  return { call: n.call, args };
}

/** GPU estimates at the spec's worst: through the reciprocal and inversesqrt, then a few ULP off. */
const HOSTILE_ESTIMATES = `
vec4 divEstimate(vec4 a, vec4 b) { return pin(uintBitsToFloat(floatBitsToUint(a * (1.0 / b)) + uvec4(2u, 0xfffffffeu, 1u, 0xfffffffdu))); }
vec4 sqrtEstimate(vec4 x) { return pin(uintBitsToFloat(floatBitsToUint(1.0 / inversesqrt(x)) + uvec4(0xfffffffdu, 3u, 0xffffffffu, 2u))); }
`;

/** The source as the hostile compiler treats it; `strict` false gives the unprotected form. */
export function hostileCompile(source: string, { strict }: { strict: boolean }): string {
  const estimates = /#ifndef ESTIMATES[\s\S]*?#endif/;
  if (!estimates.test(source)) throw new Error("glsl/common.glsl no longer has the ESTIMATES block this test replaces");
  source = source.replace(estimates, HOSTILE_ESTIMATES);
  return strict ? source : unprotected(source);
}

/**
 * A pass's text with its vocabulary calls written as plain operators, reassociated and
 * folded where one feeds the next, division and root through the reciprocal and the
 * inverse root (`inverseSqrt` names it): what a hostile compiler makes of a pass that
 * does not go through the strict vocabulary.
 */
export function unprotectedPass(pass: string, inverseSqrt: string): string {
  return parse(pass).map((n) => print(rewrite(n), hostile(inverseSqrt))).join("");
}

function unprotected(source: string): string {
  source = source.replace(/return uintBitsToFloat\(floatBitsToUint\(x\) \^ (uvec4\()?u_zero\)?\);/g, "return x;");
  // Only the pass, after common.glsl's last definition, is rewritten.
  const passStart = source.lastIndexOf("\nvec4 fsqrt(");
  const split = source.indexOf("\n}\n", passStart) + 3;
  return source.slice(0, split) + unprotectedPass(source.slice(split), "inversesqrt");
}
