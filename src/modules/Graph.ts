import type { DeviceArray } from "../runtime/DeviceArray.js";
import { checkArrays, checkShape } from "../runtime/checks.js";
import { kernel, runElementwise } from "../runtime/kernels.js";
import { InvalidArgumentError, NotReadyError, describe } from "../errors.js";
import { Module, updGradOf, type BackwardOptions } from "./Module.js";
import { Container } from "./Container.js";
import { Node } from "./Node.js";

/** A module that takes the outputs of several parents: forward on all of them, backward gives one gradient per parent. */
export abstract class MergeModule extends Module {
  /** The output for several inputs (a Graph node with several parents). */
  abstract forwardMany(inputs: readonly DeviceArray[]): DeviceArray;
  /** The gradient for each of the `inputs` inputs, from the output's gradient. */
  abstract backwardMany(grad: DeviceArray, inputs: number): DeviceArray[];

  forward(data: DeviceArray): DeviceArray {
    return this.forwardMany([data]);
  }

  backward(grad: DeviceArray, options?: BackwardOptions): DeviceArray | null {
    return updGradOf(`${this.constructor.name}.backward`, options) ? this.backwardMany(grad, 1)[0] : null;
  }
}

/** y = x_0 + x_1 + ..., added in parent order (a residual connection's join); every input's gradient is dy. */
export class Add extends MergeModule {
  /** The elementwise sum of the inputs, all of one shape. */
  forwardMany(inputs: readonly DeviceArray[]): DeviceArray {
    const arrays = checkArrays("Add.forward", Object.fromEntries(inputs.map((x, i) => [`input ${i}`, x])));
    if (arrays.length === 0) throw new InvalidArgumentError("Add.forward got no inputs; expected one or more arrays of one shape");
    for (let i = 1; i < arrays.length; i++) checkShape("Add.forward", `input ${i}`, arrays[i].shape, arrays[0].shape);
    const y = this.output("y", arrays[0].device, arrays[0].shape);
    sum(arrays, y);
    return y;
  }

  /** The gradient for each of `inputs` inputs: the output's gradient itself. */
  backwardMany(grad: DeviceArray, inputs: number): DeviceArray[] {
    const [dy] = checkArrays("Add.backward", { grad });
    return new Array<DeviceArray>(inputs).fill(dy);
  }
}

/** out = terms[0] + terms[1] + ..., from left to right, each addition one float32 rounding (addScaled with scale 1). */
function sum(terms: readonly DeviceArray[], out: DeviceArray): void {
  kernel(out.device, "copy")(terms[0], out);
  for (let i = 1; i < terms.length; i++) runElementwise("addScaled", { x: terms[i], y: out }, { scale: 1 });
}

/** Options of `new Graph(options)`. */
export interface GraphOptions {
  /** The input nodes (no parents): forward() takes one array per input, in this order. */
  inputs: Node | readonly Node[];
  /** The output node (PuzzleLib's outputs; one here): forward() returns its output. */
  outputs: Node | readonly [Node];
}

/**
 * PuzzleLib's Graph: modules joined by their nodes (`module.node(...parents)`), so that
 * nets with skip connections and several inputs can be built. Forward runs the nodes in
 * one topological order (Kahn's, ties in the order the nodes were made); backward runs
 * them in reverse, a node's output gradient being the sum of its children's gradients
 * in the order the children were made, left to right, one float32 rounding per addition:
 * the same order on every device. Variables are named by the node's place in that order
 * and the module's name: `0.W`, `3.b`, as Sequential's (a chain is named the same).
 */
export class Graph extends Container {
  /** The input nodes, in the order forward() takes their arrays. */
  readonly inputs: readonly Node[];
  /** The output node. */
  readonly outputNode: Node;
  /** Every node in forward order. */
  readonly nodes: readonly Node[];
  /** dE/d(input) for each input after backward(), in the order of `inputs` (null with updGrad false). */
  inputGrads: (DeviceArray | null)[] = [];
  private results = new Map<Node, DeviceArray>();
  protected readonly children: readonly Module[];

  constructor({ inputs, outputs }: GraphOptions) {
    super();
    const ins: Node[] = Array.isArray(inputs) ? [...inputs] : [inputs as Node];
    if (Array.isArray(outputs) && outputs.length !== 1) {
      throw new InvalidArgumentError(`Graph got ${outputs.length} output nodes; expected one`);
    }
    const output: Node = Array.isArray(outputs) ? outputs[0] : outputs as Node;
    for (const [what, node] of [...ins.map((n, i) => [`inputs[${i}]`, n] as const), ["output", output] as const]) {
      if (!(node instanceof Node)) throw new InvalidArgumentError(`Graph ${what} is ${describe(node)}; expected a Node (module.node())`);
    }
    if (ins.length === 0) throw new InvalidArgumentError("Graph got no inputs; expected one input node or more");
    const withParents = ins.find((n) => n.parents.length > 0);
    if (withParents) throw new InvalidArgumentError(`Graph input ${name(withParents)} has parents; an input node is made with module.node()`);
    if (new Set(ins).size !== ins.length) throw new InvalidArgumentError("Graph got an input node twice");
    // The nodes the output depends on, found backwards from it.
    const needed = new Set<Node>();
    const stack = [output];
    while (stack.length) {
      const node = stack.pop()!;
      if (needed.has(node)) continue;
      needed.add(node);
      if (node.parents.length === 0 && !ins.includes(node)) {
        throw new InvalidArgumentError(`Graph: ${name(node)} has no parents and is not one of the inputs (a dangling input); ` +
          "list it in inputs or give it parents");
      }
      stack.push(...node.parents);
    }
    const unused = ins.find((n) => !needed.has(n));
    if (unused) throw new InvalidArgumentError(`Graph input ${name(unused)} does not lead to the output`);
    this.nodes = topologicalOrder(needed, ins);
    const modules = new Set<Module>();
    for (const node of this.nodes) {
      if (node.graph !== null) throw new InvalidArgumentError(`Graph: ${name(node)} already belongs to another Graph; a node is in one graph`);
      if (modules.has(node.module)) throw new InvalidArgumentError(`Graph: the module of ${name(node)} is in two nodes; make a module per node`);
      if (node.parents.length > 1 && !(node.module instanceof MergeModule)) {
        throw new InvalidArgumentError(`Graph: ${name(node)} has ${node.parents.length} parents but its module takes one input; ` +
          "join branches with a merging module such as Add");
      }
      modules.add(node.module);
    }
    for (const node of this.nodes) node.graph = this;
    this.children = this.nodes.map((node) => node.module);
    this.inputs = ins;
    this.outputNode = output;
  }

  /** The output for the inputs' data: one array, or an array per input node. */
  forward(data: DeviceArray | readonly DeviceArray[]): DeviceArray {
    const given = Array.isArray(data) ? data : [data];
    if (given.length !== this.inputs.length) {
      throw new InvalidArgumentError(`Graph.forward got ${given.length} arrays for ${this.inputs.length} inputs; expected one per input node`);
    }
    checkArrays("Graph.forward", Object.fromEntries(given.map((x, i) => [`data[${i}]`, x])));
    this.results = new Map();
    for (const node of this.nodes) {
      const input = this.inputs.indexOf(node);
      const module = node.module;
      const y = input >= 0 ? module.forward(given[input])
        : module instanceof MergeModule ? module.forwardMany(node.parents.map((p) => this.results.get(p)!))
          : module.forward(this.results.get(node.parents[0])!);
      this.results.set(node, y);
    }
    return this.results.get(this.outputNode)!;
  }

  /**
   * Back from dE/d(output); returns dE/d(input) for a graph of one input (the first
   * input's otherwise; all are in inputGrads), or null with `{ updGrad: false }`, which
   * applies to the input nodes only, as Sequential's to its first module.
   */
  backward(grad: DeviceArray, options?: BackwardOptions): DeviceArray | null {
    const updGrad = updGradOf("Graph.backward", options);
    if (!this.results.has(this.outputNode)) throw new NotReadyError("Graph.backward before forward");
    const [dy] = checkArrays("Graph.backward", { grad });
    checkShape("Graph.backward", "grad", dy.shape, this.results.get(this.outputNode)!.shape);
    // Each node's gradient contributions: per child, in the order the children were made.
    const contributions = new Map<Node, Map<Node, DeviceArray[]>>();
    const inputGrads = new Map<Node, DeviceArray | null>();
    for (let k = this.nodes.length - 1; k >= 0; k--) {
      const node = this.nodes[k];
      let g: DeviceArray;
      if (node === this.outputNode) {
        g = dy;
      } else {
        const parts = [...new Set(node.children)].flatMap((c) => contributions.get(node)?.get(c) ?? []);
        g = parts.length === 1 ? parts[0] : this.gradientSum(`grad ${k}`, parts);
      }
      const isInput = this.inputs.includes(node);
      const module = node.module;
      if (isInput) {
        inputGrads.set(node, module.backward(g, { updGrad }));
        continue;
      }
      const grads = module instanceof MergeModule ? module.backwardMany(g, node.parents.length) : [module.backward(g)!];
      node.parents.forEach((parent, i) => {
        const byChild = contributions.get(parent) ?? new Map<Node, DeviceArray[]>();
        contributions.set(parent, byChild);
        byChild.set(node, [...(byChild.get(node) ?? []), grads[i]]);
      });
    }
    this.inputGrads = this.inputs.map((n) => inputGrads.get(n) ?? null);
    return this.inputGrads[0];
  }

  /** The sum of `parts` in a reused array of the graph's. */
  private gradientSum(slot: string, parts: readonly DeviceArray[]): DeviceArray {
    const out = this.output(slot, parts[0].device, parts[0].shape);
    for (let i = 1; i < parts.length; i++) checkShape("Graph.backward", `a gradient of ${slot}`, parts[i].shape, parts[0].shape);
    sum(parts, out);
    return out;
  }
}

const name = (node: Node) => `the node of ${node.module.constructor.name}`;

/**
 * Kahn's order of `nodes`: a node after all its parents, ties broken by making order
 * (the inputs first, in their order, then children in the order they were made).
 */
function topologicalOrder(nodes: Set<Node>, inputs: readonly Node[]): Node[] {
  const waiting = new Map<Node, number>();
  for (const node of nodes) waiting.set(node, node.parents.length);
  const ready = [...inputs];
  const order: Node[] = [];
  while (ready.length) {
    const node = ready.shift()!;
    order.push(node);
    for (const child of node.children) {
      if (!nodes.has(child)) continue;
      const left = waiting.get(child)! - 1;
      waiting.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  if (order.length !== nodes.size) {
    const stuck = [...nodes].find((n) => !order.includes(n))!;
    throw new InvalidArgumentError(`Graph: ${name(stuck)} is on a cycle; a graph's nodes must not depend on themselves`);
  }
  return order;
}
