import type { DeviceArray } from "../runtime/DeviceArray.js";
import type { DeviceName } from "../runtime/Device.js";
import { availableDevices, init, DEVICE_PREFERENCE } from "../runtime/registry.js";
import { rounding } from "../devices/js/rounding.js";
import { InvalidArgumentError, NodeError, NotReadyError, describe } from "../errors.js";
import { parentChannel } from "./spawn.js";

/**
 * The shared memory of a group of nodes (see startNodes): a control block of ints and
 * a data buffer that grows to `size` slots of the largest tensor exchanged.
 */
export const BARRIER_COUNT = 0;
export const BARRIER_GENERATION = 1;
/** 0, or 1 + the rank of the first node that failed or died. */
export const FAULT_RANK = 2;
/** The length of the fault's message, in bytes after the ints. */
export const FAULT_LENGTH = 3;
/** Each rank's element count in the current exchange, at SIZES + rank. */
export const SIZES = 4;
export const MAX_NODES = 64;
export const CONTROL_INTS = SIZES + MAX_NODES;
export const MESSAGE_BYTES = 1024;
/** The data buffer's limit: the largest tensor a group can exchange is this over the node count. */
export const MAX_DATA_BYTES = 1 << 30;

/**
 * The devices a node may run on: all but webgpu, which reads arrays back only
 * asynchronously, where the collectives (sumTensor in update(), broadcastBuffer in
 * setupOn()) read synchronously.
 */
export const NODE_DEVICES: readonly DeviceName[] = DEVICE_PREFERENCE.filter((name) => name !== "webgpu");

/** What startNodes() sends each node. */
export interface NodeStart {
  rank: number;
  size: number;
  device: DeviceName | null;
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
  args: unknown;
  timeoutMs: number;
}

/** Messages from a node to startNodes(). */
export type NodeMessage = { kind: "finish"; result: unknown };

/**
 * PuzzleLib's NodeInfo, one per node of a group started by startNodes(): `rank` and
 * `size`, and collective operations that every node calls in the same order. They
 * block (Atomics.wait) until every node has arrived, so they run in workers only.
 * Every exchange is deterministic: sumTensor adds the nodes' values in rank order,
 * ((v0 + v1) + v2) + ..., each addition rounded to float32 (and flushed under
 * subnormals "flush"), the same bits on every node whatever the order they arrive in.
 * A node that fails or dies makes every other node's next (or current) collective
 * throw a NodeError naming it; so does a node that does not arrive within `timeoutMs`.
 */
export class NodeInfo {
  private readonly ints: Int32Array;
  private readonly bytes: Uint8Array;

  /** @internal */
  constructor(
    /** This node's index, from 0. */
    readonly rank: number,
    /** The number of nodes. */
    readonly size: number,
    private readonly data: SharedArrayBuffer, control: SharedArrayBuffer, private readonly timeoutMs: number,
    /** startNodes()'s `args`. */
    readonly args: unknown,
    private readonly send: (message: NodeMessage) => void) {
    this.ints = new Int32Array(control, 0, CONTROL_INTS);
    this.bytes = new Uint8Array(control, CONTROL_INTS * 4, MESSAGE_BYTES);
  }

  /** Waits until every node has called barrier() as often as this one. */
  barrier(): void {
    const { ints } = this;
    this.checkFault();
    const generation = Atomics.load(ints, BARRIER_GENERATION);
    if (Atomics.add(ints, BARRIER_COUNT, 1) === this.size - 1) {
      Atomics.store(ints, BARRIER_COUNT, 0);
      Atomics.add(ints, BARRIER_GENERATION, 1);
      Atomics.notify(ints, BARRIER_GENERATION);
      return;
    }
    const deadline = performance.now() + this.timeoutMs;
    while (Atomics.load(ints, BARRIER_GENERATION) === generation) {
      this.checkFault();
      if (performance.now() > deadline) {
        this.fail(`node ${this.rank} waited ${this.timeoutMs / 1000} s for the others at a barrier`);
        this.checkFault();
      }
      Atomics.wait(ints, BARRIER_GENERATION, generation, 100);
    }
    // Every node arrived: a fault recorded since (one of them failing after this barrier,
    // say on a NaN every node is about to see) is for the next collective to report.
  }

  /** Node 0's values of `array` copied into every node's `array` (PuzzleLib's broadcastBuffer). */
  broadcastBuffer(name: string, array: DeviceArray): void {
    const n = this.exchangeSizes("broadcastBuffer", name, array.size);
    const shared = new Float32Array(this.data, 0, n);
    if (this.rank === 0) shared.set(array.get());
    this.barrier();
    if (this.rank !== 0) array.set(shared.slice());
    this.barrier();
  }

  /** Every node's `array` replaced by the sum over the nodes, in rank order (PuzzleLib's sumTensor). */
  sumTensor(name: string, array: DeviceArray): void {
    const n = this.exchangeSizes("sumTensor", name, array.size);
    new Float32Array(this.data, this.rank * n * 4, n).set(array.get());
    this.barrier();
    const round = rounding(array.device.subnormals);
    const sum = new Float32Array(this.data, 0, n).slice();
    for (let rank = 1; rank < this.size; rank++) {
      const values = new Float32Array(this.data, rank * n * 4, n);
      for (let i = 0; i < n; i++) sum[i] = round(round(sum[i]) + round(values[i]));
    }
    this.barrier(); // everyone has read every slot before the next exchange writes them
    array.set(sum);
  }

  /** Hands this node's result to startNodes()'s `done` (structured-cloneable); call it once, at the end. */
  finish(result?: unknown): void {
    this.send({ kind: "finish", result });
  }

  /** Records every node's element count, checks they agree and makes room for them. */
  private exchangeSizes(operation: string, name: string, n: number): number {
    if (typeof name !== "string") {
      throw new InvalidArgumentError(`${operation}(): name is ${describe(name)}; expected a string`);
    }
    Atomics.store(this.ints, SIZES + this.rank, n);
    const bytes = n * this.size * 4;
    if (bytes > MAX_DATA_BYTES) {
      throw new InvalidArgumentError(`${operation}(${describe(name)}): ${n} elements on ${this.size} nodes need ` +
        `${bytes} bytes; a group exchanges at most ${MAX_DATA_BYTES} bytes at once`);
    }
    if (this.data.byteLength < bytes) {
      try {
        (this.data as unknown as { grow(bytes: number): void }).grow(bytes);
      } catch (error) {
        if (this.data.byteLength < bytes) throw error; // another node grew it further meanwhile
      }
    }
    this.barrier();
    for (let rank = 0; rank < this.size; rank++) {
      const theirs = Atomics.load(this.ints, SIZES + rank);
      if (theirs !== n) {
        // Every node sees the same sizes after the barrier, so every node throws here.
        throw new NodeError(`${operation}(${describe(name)}): node ${rank} has ${theirs} elements, node ` +
          `${this.rank} ${n}; expected the same size on every node`, rank);
      }
    }
    return n;
  }

  /** Marks the group as failed by this node (the first fault is kept). */
  private fail(message: string): void {
    writeFault(this.ints, this.bytes, this.rank, message);
  }

  private checkFault(): void {
    const fault = readFault(this.ints, this.bytes);
    if (fault) throw new NodeError(fault.message, fault.rank);
  }
}

/** Records the group's first fault: `rank` and why, for every node to read. */
export function writeFault(ints: Int32Array, bytes: Uint8Array, rank: number, message: string): void {
  if (Atomics.load(ints, FAULT_RANK) !== 0) return;
  const encoded = new TextEncoder().encode(message).subarray(0, MESSAGE_BYTES);
  bytes.set(encoded);
  Atomics.store(ints, FAULT_LENGTH, encoded.length);
  if (Atomics.compareExchange(ints, FAULT_RANK, 0, rank + 1) === 0) Atomics.notify(ints, BARRIER_GENERATION);
}

function readFault(ints: Int32Array, bytes: Uint8Array): { rank: number; message: string } | null {
  const rank = Atomics.load(ints, FAULT_RANK) - 1;
  if (rank < 0) return null;
  return { rank, message: new TextDecoder().decode(bytes.slice(0, Atomics.load(ints, FAULT_LENGTH))) };
}

/**
 * In a worker started by startNodes(): opens this node's device (the one startNodes()
 * named for its rank, or what init() picks, the next device where that is webgpu: see
 * NODE_DEVICES) and returns its NodeInfo. Errors this node
 * throws and does not catch reach startNodes()'s `done`, and every other node's next
 * collective throws a NodeError naming this rank.
 */
export async function joinNodes(): Promise<NodeInfo> {
  const channel = await parentChannel();
  if (!channel) {
    throw new NotReadyError("joinNodes() runs in a worker started by startNodes(); this is a main thread, " +
      "which cannot block in the nodes' collective operations");
  }
  const start = await new Promise<NodeStart>((resolve) => channel.onMessage((message) => resolve(message as NodeStart)));
  if (start.device) await init({ device: start.device });
  else if ((await init()).readsBackAsync) {
    // init() chose webgpu: the node takes the next device init() would choose by itself.
    const usable = (await availableDevices()).filter((status) => status.available && NODE_DEVICES.includes(status.name));
    await init({ device: (usable.find((status) => status.preferred) ?? usable[0]).name }); // js is always there
  }
  return new NodeInfo(start.rank, start.size, start.data, start.control, start.timeoutMs, start.args,
    (message) => channel.postMessage(message));
}
