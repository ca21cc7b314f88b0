import type { DeviceName } from "../runtime/Device.js";
import { InvalidArgumentError, NodeError, describe } from "../errors.js";
import {
  CONTROL_INTS, MAX_DATA_BYTES, MAX_NODES, MESSAGE_BYTES, NODE_DEVICES, writeFault, type NodeMessage, type NodeStart,
} from "./nodeinfo.js";
import { spawnModule, type SpawnedWorker } from "./spawn.js";

/** Options of startNodes(). */
export interface StartNodesOptions {
  /** How many nodes (workers): an integer from 1 to 64. */
  nodes: number;
  /**
   * The device of each node, by rank (any but webgpu, which reads back only asynchronously);
   * by default each node opens what init() picks, or the next preferred device where that is webgpu.
   */
  devices?: readonly DeviceName[];
  /** Given to every node as `nodeinfo.args` (structured-cloneable): a shard size, a step count. */
  args?: unknown;
  /** How long a node waits at a collective for the others before the group fails; default 60 s. */
  timeoutMs?: number;
}

/** A group of nodes started by startNodes(). */
export interface NodeGroup {
  /** The nodes' results (their finish() values) in rank order; rejects with the first node's error. */
  readonly done: Promise<unknown[]>;
  /** Ends every node. */
  terminate(): void;
}

/**
 * Starts `nodes` workers on the ES module at `workerUrl`, which calls joinNodes() to
 * get its NodeInfo: data-parallel training as PuzzleLib's MPI nodes, in one process.
 * A node whose error is not caught, or that ends without finish(), fails the group:
 * `done` rejects with its error and every other node's collectives throw a NodeError
 * naming it. The workers end when all have finished or one has failed.
 */
export async function startNodes(workerUrl: string | { readonly href: string }, options: StartNodesOptions):
  Promise<NodeGroup> {
  const { nodes, devices, args, timeoutMs = 60_000 } = checkOptions(options);
  const url = typeof workerUrl === "string" ? workerUrl : workerUrl?.href;
  if (typeof url !== "string") {
    throw new InvalidArgumentError(`startNodes(): workerUrl is ${describe(workerUrl)}; expected a URL or a string`);
  }
  const control = new SharedArrayBuffer((CONTROL_INTS * 4) + MESSAGE_BYTES);
  const data = new (SharedArrayBuffer as unknown as new (bytes: number, options: { maxByteLength: number }) =>
    SharedArrayBuffer)(0, { maxByteLength: MAX_DATA_BYTES });
  const ints = new Int32Array(control, 0, CONTROL_INTS);
  const bytes = new Uint8Array(control, CONTROL_INTS * 4, MESSAGE_BYTES);
  const workers: SpawnedWorker[] = [];
  const results: unknown[] = new Array(nodes);
  let finished = 0;
  let settle!: { resolve(results: unknown[]): void; reject(error: unknown): void };
  const done = new Promise<unknown[]>((resolve, reject) => (settle = { resolve, reject }));
  let over = false;
  const end = () => {
    over = true;
    workers.forEach((w) => w.terminate());
  };
  /** Fails the group for node `rank`: every other node's collectives throw, `done` rejects. */
  const fail = (rank: number, message: string) => {
    if (over) return;
    over = true;
    writeFault(ints, bytes, rank, message);
    settle.reject(new NodeError(message, rank));
    // The others see the fault at their next collective and throw; then they are ended.
    setTimeout(end, 1000);
  };
  for (let rank = 0; rank < nodes; rank++) {
    const worker = await spawnModule(url);
    workers.push(worker);
    worker.onMessage((message) => {
      const m = message as NodeMessage;
      if (m.kind === "finish") {
        results[rank] = m.result;
        if (++finished === nodes && !over) {
          settle.resolve(results);
          end();
        }
      }
    });
    worker.onEnd((reason) => {
      if (over) return;
      if (reason.startsWith("failed: ")) fail(rank, `node ${rank} ${reason}`);
      else if (results[rank] === undefined && finished < nodes) fail(rank, `node ${rank} ${reason} before finish()`);
    });
    const start: NodeStart = { rank, size: nodes, device: devices?.[rank] ?? null, control, data, args, timeoutMs };
    worker.postMessage(start);
  }
  return { done, terminate: end };
}

function checkOptions(options: StartNodesOptions): StartNodesOptions {
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError(`startNodes(): options are ${describe(options)}; expected { nodes, devices?, args? }`);
  }
  const { nodes, devices, timeoutMs } = options;
  if (typeof nodes !== "number" || !Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new InvalidArgumentError(`startNodes(): nodes is ${describe(nodes)}; expected an integer from 1 to ${MAX_NODES}`);
  }
  if (devices !== undefined) {
    if (!Array.isArray(devices) || devices.length !== nodes) {
      throw new InvalidArgumentError(`startNodes(): devices is ${describe(devices)}; expected one device name per node ` +
        `(${nodes})`);
    }
    for (const device of devices) {
      if (!NODE_DEVICES.includes(device)) {
        throw new InvalidArgumentError(`startNodes(): device ${describe(device)}; expected one of ` +
          NODE_DEVICES.map(describe).join(", ") + (device === "webgpu" ? " (a node's collectives read arrays back " +
            "synchronously, which webgpu cannot)" : ""));
      }
    }
  }
  if (timeoutMs !== undefined && (typeof timeoutMs !== "number" || !(timeoutMs > 0))) {
    throw new InvalidArgumentError(`startNodes(): timeoutMs is ${describe(timeoutMs)}; expected a number > 0`);
  }
  if (typeof SharedArrayBuffer !== "function") {
    throw new InvalidArgumentError("startNodes() needs SharedArrayBuffer: a page must be cross-origin isolated " +
      "(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp)");
  }
  return options;
}
