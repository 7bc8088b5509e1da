// The raw wasm ABI (assembly/index.ts). Addresses are byte offsets into `memory`.
export interface WasmExports {
  memory: WebAssembly.Memory;
  VARIANT: WebAssembly.Global;
  heapBase(): number;
  dotI8(a: number, b: number, n: number): number;
  dotU8I8(a: number, b: number, n: number): number;
  dotI8U7(a: number, b: number, n: number): number;
  f32ToF16(src: number, dst: number, n: number): void;
  f16ToF32(src: number, dst: number, n: number): void;
  f32ToBf16(src: number, dst: number, n: number): void;
  bf16ToF32(src: number, dst: number, n: number): void;
  quantizeLinear(x: number, q: number, outer: number, axisLen: number, inner: number, scale: number, zp: number, blockSize: number, type: number): void;
  dequantizeLinear(q: number, y: number, outer: number, axisLen: number, inner: number, scale: number, zp: number, blockSize: number, type: number): void;
  packNibbles(codes: number, out: number, n: number): void;
  unpackNibbles(packed: number, codes: number, n: number, signed: boolean): void;
  matmulInteger(a: number, b: number, y: number, m: number, k: number, n: number, aSigned: boolean, bSigned: boolean, aZps: number, bZp: number, pairs: number): void;
  accToFloat(acc: number, out: number, m: number, n: number, scale: number, perColumn: boolean, bias: number): void;
  accToInt8(acc: number, out: number, m: number, n: number, multiplier: number, shift: number, perColumn: boolean, outZp: number, lo: number, hi: number): void;
  ggufWorkspaceBytes(type: number): number;
  ggufUseWorkspace(type: number, ptr: number): void;
  ggufQuantizeFailed(): boolean;
  ggufQuantize(type: number, x: number, out: number, blocks: number): boolean;
  ggufQuantizeWeighted(type: number, x: number, out: number, rows: number, n: number, qw: number): boolean;
  ggufBlockSize(type: number): number;
  ggufDequantize(type: number, src: number, y: number, blocks: number): boolean;
  ggufBlockBytes(type: number): number;
  firstNonFinite(x: number, n: number): number;
  ggufUseRelaxed(on: boolean): boolean;
  ggufPackedBytes(type: number, rows: number, n: number): number;
  ggufPack(type: number, src: number, dst: number, rows: number, n: number): void;
  ggufActivationType(type: number): number;
  ggufActivationBytes(type: number, n: number): number;
  ggufPackActivation(type: number, raw: number, dst: number, n: number): void;
  ggufGemv(type: number, w: number, rows: number, n: number, act: number, y: number, r0: number, r1: number): void;
  ggufGemm2(type: number, w: number, rows: number, n: number, act: number, y: number, act2: number, y2: number, r0: number, r1: number): void;
  readBytes(p: number, bytes: number): number;
  copyBytes(dst: number, src: number, bytes: number): void;
  writeBytes(dst: number, bytes: number, value: number): void;
  rangeLinear(x: number, outer: number, axisLen: number, inner: number, blockSize: number, lo: number, hi: number, scales: number): void;
}

export type Variant = "relaxed" | "simd" | "scalar";

/** Best first. */
export const VARIANTS: readonly Variant[] = ["relaxed", "simd", "scalar"];

const REQUIRED = ["memory", "VARIANT", "heapBase", "dotI8", "dotU8I8", "dotI8U7", "f32ToF16", "f16ToF32", "f32ToBf16", "bf16ToF32", "quantizeLinear", "dequantizeLinear", "packNibbles", "unpackNibbles", "rangeLinear", "matmulInteger", "accToFloat", "accToInt8", "readBytes", "copyBytes", "writeBytes", "ggufWorkspaceBytes", "ggufUseWorkspace", "ggufQuantizeFailed", "ggufQuantize", "ggufQuantizeWeighted", "ggufBlockSize", "ggufDequantize", "ggufBlockBytes", "firstNonFinite", "ggufUseRelaxed", "ggufPackedBytes", "ggufPack", "ggufActivationType", "ggufActivationBytes", "ggufPackActivation", "ggufGemv", "ggufGemm2"];

/** The exports of a qsimd module, or undefined when the module is something else. */
export function wasmExports(instance: WebAssembly.Instance): WasmExports | undefined {
  const e = instance.exports as Record<string, unknown>;
  return REQUIRED.every((name) => name in e) ? (e as unknown as WasmExports) : undefined;
}

export function variantOf(e: WasmExports): Variant | undefined {
  return (["scalar", "simd", "relaxed"] as const)[e.VARIANT.value as number];
}
