import type { WasmExports } from "./exports.js";
import type { Heap } from "./heap.js";
import type { MemoryViews } from "./memory.js";

/** What the API modules of one instance share. */
export interface Context {
  readonly e: WasmExports;
  readonly memory: MemoryViews;
  readonly heap: Heap;
  /** Start of the fixed scratch area (SCRATCH_BYTES) that streaming functions use. */
  readonly scratch: number;
}
