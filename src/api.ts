// What every entry point exports besides its own `load`.
export { QsimdError, type QsimdErrorCode } from "./errors.js";
export { loadSync, type LoadOptions, type WasmSource } from "./load.js";
export type { Qsimd } from "./instance.js";
export { quantizeMultiplier } from "./matmul.js";
export { ResidentBuffer } from "./resident.js";
export type { LinearType } from "./linear/layout.js";
export { GGUF_TYPES, ggufType, type GgufType } from "./gguf/types.js";
export type { GgufTensor } from "./gguf/tensor.js";
export type { Features } from "./features.js";
export type { Variant } from "./exports.js";
export { writeGguf, writeGgufStream, ggufChunks, type GgufTensorSpec, type GgufWriteSpec } from "./gguf/file/write.js";
export type { GgufFile, GgufSource, ReadGgufOptions } from "./gguf/file/read.js";
export type { GgufHeader, GgufTensorInfo } from "./gguf/file/header.js";
export type { GgufValue, GgufValueType, GgufScalarType } from "./gguf/file/values.js";
export type { FileHandleLike } from "./gguf/file/sources.js";
