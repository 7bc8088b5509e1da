// The wasm ABI. Every kernel takes byte addresses into linear memory and element counts; the
// TypeScript side owns the memory layout (see src/instance.ts), so the wasm needs no allocator.

export { dotI8, dotU8I8, dotI8U7 } from "./dot/i8";
export { f32ToF16, f16ToF32 } from "./convert/f16";
export { f32ToBf16, bf16ToF32 } from "./convert/bf16";

/** Which build this is: 0 scalar, 1 simd, 2 relaxed. Lets the loader identify a module it was handed. */
export const VARIANT: i32 = ASC_FEATURE_RELAXED_SIMD ? 2 : ASC_FEATURE_SIMD ? 1 : 0;

/** First byte of linear memory that no static data uses. */
export function heapBase(): usize {
  return __heap_base;
}

export { quantizeLinear, dequantizeLinear, rangeLinear } from "./linear/index";
export { packNibbles, unpackNibbles } from "./linear/pack";
export { matmulInteger } from "./dot/matmul";
export { accToFloat, accToInt8 } from "./dot/requantize";
export { readBytes, copyBytes, writeBytes } from "./bench/bandwidth";
export { ggufWorkspaceBytes, ggufUseWorkspace, ggufQuantizeFailed, ggufQuantize, ggufQuantizeWeighted, ggufDequantize, ggufBlockBytes, ggufBlockSize, firstNonFinite } from "./gguf/index";
export { ggufUseRelaxed, ggufPackedBytes, ggufPack, ggufActivationType, ggufActivationBytes, ggufPackActivation, ggufGemv, ggufGemm2, gemm2Bytes32, gemm2Bytes256, gemm2RelaxedBytes32, gemm2RelaxedBytes256, gemvTable16, gemvTable32, gemvTable256, gemvAffine32, gemvAffine256, gemvBytes32, gemvBytes256, gemvRelaxedTable16, gemvRelaxedTable32, gemvRelaxedAffine32, gemvRelaxedAffine256, gemvRelaxedBytes32, gemvRelaxedBytes256, gemvSpan32, gemvTable256Wide, gemvAffine256Wide, gemvBytes256Wide, gemvRelaxedAffine256Wide, gemvRelaxedBytes256Wide, gemm2Bytes256Wide, gemm2RelaxedBytes256Wide, gemvBytes32Four, gemvBytes32FourSafe, gemvBytes256Four16, gemvBytes256Four32, gemvBytes256Four16Safe, gemvBytes256Four32Safe } from "./gguf/gemv";
