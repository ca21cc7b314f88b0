/**
 * One way to start a worker in Node and Deno (worker_threads) and browsers (Web Workers),
 * from source text embedded in the package (no file paths at run time) or from a URL.
 * The pool of WebAssembly threads starts its workers here.
 */

/** A started worker, the same in every runtime. */
export interface SpawnedWorker {
  postMessage(message: unknown): void;
  /** Messages from the worker. */
  onMessage(listener: (message: unknown) => void): void;
  /** The worker failed (an uncaught error) or ended: `reason` says which. */
  onEnd(listener: (reason: string) => void): void;
  terminate(): void;
}

interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: string, listener: (value: never) => void): void;
  terminate(): Promise<number>;
  unref(): void;
}

type NodeWorkerClass = new (source: string, options: { eval: boolean }) => NodeWorker;

let nodeWorkerClass: NodeWorkerClass | null | undefined;

/**
 * Node's Worker class (worker_threads), loaded once; null outside Node and Deno. Deno
 * gets it too: its Web Workers cannot be unref'd, so they would keep the process alive.
 */
async function nodeWorker(): Promise<NodeWorkerClass | null> {
  if (nodeWorkerClass === undefined) {
    const { process, Deno } = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown };
    const isNode = typeof process?.versions?.node === "string" || Deno !== undefined;
    // A computed specifier, so that bundlers for the browser leave it alone.
    const specifier = ["node", "worker_threads"].join(":");
    nodeWorkerClass = isNode ? ((await import(/* @vite-ignore */ specifier)) as { Worker: NodeWorkerClass }).Worker : null;
  }
  return nodeWorkerClass;
}

/** Why workers cannot start here, or null. */
export async function workersUnavailableReason(): Promise<string | null> {
  if (await nodeWorker()) return null;
  if (typeof Worker !== "function") return "this runtime has no Worker";
  if (typeof Blob !== "function" || typeof URL?.createObjectURL !== "function") {
    return "this runtime cannot start a worker from a Blob URL";
  }
  return null;
}

/**
 * Starts a worker running `source`, a script that reads its messages from `port`: in
 * Node and Deno, the worker_threads parent port (the worker does not keep the process alive);
 * elsewhere, the worker's global scope, started as a module from a Blob URL.
 */
export async function spawn(source: string): Promise<SpawnedWorker> {
  const NodeWorker = await nodeWorker();
  if (NodeWorker) {
    const worker = new NodeWorker(`const port = require("node:worker_threads").parentPort;\n${source}`, { eval: true });
    // Not keeping the process alive: unref() again after each listener, which refs the port.
    worker.unref();
    return {
      postMessage: (message) => worker.postMessage(message),
      onMessage: (listener) => {
        worker.on("message", listener as (value: never) => void);
        worker.unref();
      },
      onEnd: (listener) => {
        worker.on("error", ((error: Error) => listener(`failed: ${error.message}`)) as (value: never) => void);
        worker.on("exit", ((code: number) => listener(`exited with code ${code}`)) as (value: never) => void);
      },
      terminate: () => void worker.terminate(),
    };
  }
  const url = URL.createObjectURL(new Blob([`const port = self;\n${source}`], { type: "text/javascript" }));
  // The URL is freed once the worker has loaded it (its first message) or failed to.
  const revoke = () => URL.revokeObjectURL(url);
  const worker = new Worker(url, { type: "module" });
  worker.addEventListener("message", revoke, { once: true });
  const ends: ((reason: string) => void)[] = [revoke];
  let ended = false;
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    ends.forEach((listener) => listener(reason));
  };
  worker.addEventListener("error", (event) => end(`failed: ${(event as ErrorEvent).message || "could not start"}`));
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.addEventListener("message", (event) => listener((event as MessageEvent).data)),
    onEnd: (listener) => ends.push(listener),
    terminate: () => {
      worker.terminate();
      end("was terminated");
    },
  };
}
