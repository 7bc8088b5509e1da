// Written by scripts/build.js into dist/wasm/inline.js: each build's wasm, base64-encoded.
export declare const inlineBuilds: Record<"relaxed" | "simd" | "scalar", string>;
