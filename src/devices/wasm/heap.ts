import { InvalidArgumentError } from "../../errors.js";

const PAGE = 65536;
const ALIGN = 16; // one v128
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit

interface Block {
  start: number;
  bytes: number;
}

/**
 * First-fit allocator over a WebAssembly.Memory, kept on the host so the module
 * needs no runtime. Free blocks are sorted by address and merged with their
 * neighbours. When nothing fits, memory grows by the larger of what is missing and
 * half its current size (amortized doubling), so a training loop that reallocates
 * the same sizes settles without growing. Growth detaches earlier ArrayBuffers:
 * callers take a fresh view of memory.buffer for every access.
 */
export class Heap {
  private free: Block[] = [];
  private readonly used = new Map<number, number>();

  constructor(private readonly memory: WebAssembly.Memory, base: number) {
    const start = align(base);
    const end = memory.buffer.byteLength;
    if (end > start) this.free.push({ start, bytes: end - start });
  }

  /** Bytes currently handed out. */
  get usedBytes(): number {
    let total = 0;
    for (const bytes of this.used.values()) total += bytes;
    return total;
  }

  allocate(requested: number): number {
    const bytes = Math.max(ALIGN, align(requested));
    let index = this.free.findIndex((block) => block.bytes >= bytes);
    if (index < 0) index = this.grow(bytes);
    const block = this.free[index];
    const ptr = block.start;
    if (block.bytes === bytes) this.free.splice(index, 1);
    else this.free[index] = { start: block.start + bytes, bytes: block.bytes - bytes };
    this.used.set(ptr, bytes);
    new Uint8Array(this.memory.buffer, ptr, bytes).fill(0);
    return ptr;
  }

  release(ptr: number): void {
    const bytes = this.used.get(ptr);
    if (bytes === undefined) return;
    this.used.delete(ptr);
    let index = this.free.findIndex((block) => block.start > ptr);
    if (index < 0) index = this.free.length;
    this.free.splice(index, 0, { start: ptr, bytes });
    this.mergeAround(index);
  }

  private grow(bytes: number): number {
    const have = this.memory.buffer.byteLength / PAGE;
    const last = this.free[this.free.length - 1];
    const tailFree = last && last.start + last.bytes === have * PAGE ? last.bytes : 0;
    const missing = Math.ceil((bytes - tailFree) / PAGE);
    const pages = Math.min(Math.max(missing, Math.ceil(have / 2)), MAX_PAGES - have);
    if (pages < missing) {
      throw new InvalidArgumentError(
        `cannot allocate ${bytes} bytes: WebAssembly memory would exceed its limit of 4 GiB (${have} pages in use)`);
    }
    this.memory.grow(pages);
    this.free.push({ start: have * PAGE, bytes: pages * PAGE });
    return this.mergeAround(this.free.length - 1);
  }

  /** Merges block `index` with adjacent free neighbours; returns the merged block's index. */
  private mergeAround(index: number): number {
    const next = this.free[index + 1];
    if (next && this.free[index].start + this.free[index].bytes === next.start) {
      this.free[index].bytes += next.bytes;
      this.free.splice(index + 1, 1);
    }
    const prev = this.free[index - 1];
    if (prev && prev.start + prev.bytes === this.free[index].start) {
      prev.bytes += this.free[index].bytes;
      this.free.splice(index, 1);
      return index - 1;
    }
    return index;
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
