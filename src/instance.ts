import { bandwidthApi } from "./bandwidth.js";
import type { Context } from "./context.js";
import { convertApi } from "./convert.js";
import { dotApi } from "./dot.js";
import type { Features } from "./features.js";
import type { Variant, WasmExports } from "./exports.js";
import { ggufApi } from "./gguf/blocks.js";
import { tensorApi } from "./gguf/tensor.js";
import { Heap } from "./heap.js";
import { paramsApi } from "./linear/params.js";
import { quantizeApi } from "./linear/quantize.js";
import { matmulApi } from "./matmul.js";
import { MemoryViews, SCRATCH_BYTES, scratchBase } from "./memory.js";
import { residentApi } from "./resident.js";

type Api = ReturnType<typeof convertApi> & ReturnType<typeof dotApi> & ReturnType<typeof residentApi> &
  ReturnType<typeof quantizeApi> & ReturnType<typeof paramsApi> & ReturnType<typeof matmulApi> & ReturnType<typeof bandwidthApi> & ReturnType<typeof ggufApi> & ReturnType<typeof tensorApi>;

/** One qsimd instance: its own wasm memory, one build. */
export interface Qsimd extends Api {
  /** The build this instance runs. */
  readonly variant: Variant;
  /** What the host supports. */
  readonly features: Readonly<Features>;
}

export function createInstance(e: WasmExports, variant: Variant, features: Features): Qsimd {
  const scratch = scratchBase(e);
  const ctx: Context = { e, memory: new MemoryViews(e.memory), heap: new Heap(e.memory, scratch + SCRATCH_BYTES), scratch };
  const q = { variant, features: Object.freeze({ ...features }) };
  // Copy property descriptors, not values: some parts have getters (memoryBytes).
  for (const part of [convertApi(ctx), dotApi(ctx), residentApi(ctx), quantizeApi(ctx), paramsApi(ctx), matmulApi(ctx), bandwidthApi(ctx), ggufApi(ctx), tensorApi(ctx)]) {
    Object.defineProperties(q, Object.getOwnPropertyDescriptors(part));
  }
  return q as Qsimd;
}
