import { QsimdError } from "./errors.js";
import { ensureMemory } from "./memory.js";

const ALIGN = 64; // a cache line: vector loads never straddle one at a block's start

/**
 * A first-fit allocator over the wasm memory above the scratch area. It lives in JavaScript so the
 * kernels need no allocator of their own; blocks are coalesced on free, and memory grows only when
 * no free block fits, so a steady workload keeps its memory flat.
 */
export class Heap {
  /** Free blocks, sorted by address, never adjacent (adjacent ones are merged). */
  private free: { start: number; size: number }[] = [];
  private readonly live = new Map<number, number>();
  private end: number;

  constructor(private readonly memory: WebAssembly.Memory, start: number) {
    this.end = align(start);
    const top = memory.buffer.byteLength;
    if (top > this.end) this.free.push({ start: this.end, size: top - this.end });
    this.end = Math.max(this.end, top);
  }

  alloc(bytes: number): number {
    const size = align(Math.max(bytes, 1));
    let index = this.free.findIndex((block) => block.size >= size);
    if (index < 0) {
      this.grow(size);
      index = this.free.findIndex((block) => block.size >= size);
    }
    const block = this.free[index];
    const ptr = block.start;
    if (block.size === size) this.free.splice(index, 1);
    else {
      block.start += size;
      block.size -= size;
    }
    this.live.set(ptr, size);
    return ptr;
  }

  release(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new Error(`qsimd heap: ${ptr} is not a live block`); // a bug in qsimd, not in the caller
    this.live.delete(ptr);
    let index = this.free.findIndex((block) => block.start > ptr);
    if (index < 0) index = this.free.length;
    this.free.splice(index, 0, { start: ptr, size });
    // Merge with the neighbour after, then with the one before.
    const next = this.free[index + 1];
    if (next && ptr + size === next.start) {
      this.free[index].size += next.size;
      this.free.splice(index + 1, 1);
    }
    const prev = this.free[index - 1];
    if (prev && prev.start + prev.size === ptr) {
      prev.size += this.free[index].size;
      this.free.splice(index, 1);
    }
  }

  /** Bytes held by live blocks. */
  get liveBytes(): number {
    let total = 0;
    for (const size of this.live.values()) total += size;
    return total;
  }

  private grow(size: number): void {
    const last = this.free[this.free.length - 1];
    const tailFree = last && last.start + last.size === this.end ? last.size : 0;
    // Grow by at least half the current memory, so a series of growing requests is amortized.
    const want = Math.max(size - tailFree, Math.floor(this.end / 2));
    const limit = 2 ** 32 - 65536;
    const target = Math.min(this.end + want, limit);
    if (target - this.end + tailFree < size) {
      throw new QsimdError("OUT_OF_MEMORY", `cannot allocate ${size} bytes: wasm32 memory is limited to 4 GiB`);
    }
    try {
      ensureMemory(this.memory, target);
    } catch (error) {
      // Fall back to the exact amount before giving up.
      ensureMemory(this.memory, this.end + size - tailFree);
    }
    const top = this.memory.buffer.byteLength;
    if (tailFree) last.size += top - this.end;
    else this.free.push({ start: this.end, size: top - this.end });
    this.end = top;
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
