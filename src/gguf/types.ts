import { QsimdError } from "../errors.js";

/** A GGUF tensor type: ggml's name and ggml_type id, elements per block, bytes per block. */
export interface GgufType {
  name: string;
  id: number;
  blockSize: number;
  blockBytes: number;
  /** The activation format its dot products take (ggml's vec_dot_type), for quantized types. */
  activation?: "Q8_0" | "Q8_1" | "Q8_K";
}

const t = (name: string, id: number, blockSize: number, blockBytes: number, activation?: GgufType["activation"]): GgufType =>
  ({ name, id, blockSize, blockBytes, ...(activation ? { activation } : {}) });

/** Every GGUF tensor type, the one table of their layouts. */
export const GGUF_TYPES: readonly GgufType[] = [
  t("F32", 0, 1, 4), t("F16", 1, 1, 2), t("BF16", 30, 1, 2),
  t("Q4_0", 2, 32, 18, "Q8_0"), t("Q4_1", 3, 32, 20, "Q8_1"), t("Q5_0", 6, 32, 22, "Q8_0"), t("Q5_1", 7, 32, 24, "Q8_1"),
  t("Q8_0", 8, 32, 34, "Q8_0"), t("Q8_1", 9, 32, 36),
  t("Q2_K", 10, 256, 84, "Q8_K"), t("Q3_K", 11, 256, 110, "Q8_K"), t("Q4_K", 12, 256, 144, "Q8_K"),
  t("Q5_K", 13, 256, 176, "Q8_K"), t("Q6_K", 14, 256, 210, "Q8_K"), t("Q8_K", 15, 256, 292),
  t("IQ2_XXS", 16, 256, 66, "Q8_K"), t("IQ2_XS", 17, 256, 74, "Q8_K"), t("IQ3_XXS", 18, 256, 98, "Q8_K"),
  t("IQ1_S", 19, 256, 50, "Q8_K"), t("IQ4_NL", 20, 32, 18, "Q8_0"), t("IQ3_S", 21, 256, 110, "Q8_K"),
  t("IQ2_S", 22, 256, 82, "Q8_K"), t("IQ4_XS", 23, 256, 136, "Q8_K"), t("IQ1_M", 29, 256, 56, "Q8_K"),
  t("TQ1_0", 34, 256, 54, "Q8_K"), t("TQ2_0", 35, 256, 66, "Q8_K"),
  t("MXFP4", 39, 32, 17, "Q8_0"), t("NVFP4", 40, 64, 36, "Q8_0"), t("Q1_0", 41, 128, 18, "Q8_0"), t("Q2_0", 42, 64, 18, "Q8_0"),
];

const byName = new Map(GGUF_TYPES.map((type) => [type.name.toUpperCase(), type]));
const byId = new Map(GGUF_TYPES.map((type) => [type.id, type]));

/** A type by GGUF name (any case) or ggml_type id. */
export function ggufType(type: string | number): GgufType {
  const found = typeof type === "number" ? byId.get(type) : typeof type === "string" ? byName.get(type.toUpperCase()) : undefined;
  if (!found) throw new QsimdError("UNKNOWN_TYPE", `${JSON.stringify(type)} is not a GGUF tensor type (names: ${GGUF_TYPES.map((x) => x.name).join(", ")})`);
  return found;
}
