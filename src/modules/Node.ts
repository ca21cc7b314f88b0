import type { Module } from "./Module.js";

/**
 * A module's place in a Graph (PuzzleLib's Node): made by `module.node(...parents)`,
 * so every parent exists before its child and a net of nodes has no cycle. A node
 * without parents is an input of its graph.
 */
export class Node {
  /** The nodes that take this node's output, in the order they were made: the order their gradients are summed in. */
  readonly children: Node[] = [];
  /** The Graph this node belongs to, once one is built on it. */
  graph: unknown = null;

  constructor(
    /** The module this node runs. */
    readonly module: Module,
    /** The nodes whose outputs are its inputs, in order. */
    readonly parents: readonly Node[]) {
    for (const parent of parents) parent.children.push(this);
  }
}
