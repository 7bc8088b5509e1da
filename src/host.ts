import { QsimdError } from "./errors.js";
import type { Variant } from "./exports.js";
import { compileSource, type Host, type WasmSource } from "./load.js";

/** A Host whose builds come from `sourceOf`, each compiled at most once per realm. */
export function makeHost(sourceOf: (variant: Variant) => WasmSource, open: Host["open"]): Host {
  const modules = new Map<Variant, Promise<WebAssembly.Module>>();
  const host: Host = {
    open,
    module(variant) {
      let module = modules.get(variant);
      if (!module) {
        module = compileSource(sourceOf(variant), host);
        // A failed fetch may succeed later; do not keep it.
        module.catch(() => modules.delete(variant));
        modules.set(variant, module);
      }
      return module;
    },
  };
  return host;
}

/** The package's own build files, next to the entry points. */
export const buildUrl = (variant: Variant) => new URL(`./wasm/${variant}.wasm`, import.meta.url);

export async function fetchUrl(url: URL): Promise<Response> {
  if (typeof fetch !== "function") throw new QsimdError("LOAD_FAILED", `this host has no fetch() to read ${url.href}; pass the wasm as bytes or a WebAssembly.Module`);
  return fetch(url);
}
