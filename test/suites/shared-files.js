// The ../shared files the suites read, so drivers that cannot read files at run time (workerd)
// can embed them.
export const sharedFiles = [
  { path: "vectors/manifest.json", kind: "text" },
  { path: "vectors/fp16_bf16.bin", kind: "bytes" },
  { path: "vectors/inputs.bin", kind: "bytes" },
  { path: "vectors/q4_0.bin", kind: "bytes" },
  { path: "vectors/q4_1.bin", kind: "bytes" },
  { path: "vectors/q5_0.bin", kind: "bytes" },
  { path: "vectors/q5_1.bin", kind: "bytes" },
  { path: "vectors/q8_0.bin", kind: "bytes" },
  { path: "vectors/q8_1.bin", kind: "bytes" },
  { path: "vectors/q8_K.bin", kind: "bytes" },
  { path: "vectors/iq-tables.json", kind: "text" },
  ...[
    "q2_K", "q3_K", "q4_K", "q5_K", "q6_K", "iq4_nl", "iq4_xs", "tq1_0", "tq2_0", "mxfp4", "nvfp4", "q1_0", "q2_0",
    "iq2_xxs", "iq2_xs", "iq2_s", "iq3_xxs", "iq3_s", "iq1_s", "iq1_m",
  ].map((f) => ({ path: `vectors/${f}.bin`, kind: "bytes" })),
  { path: "data/stories260K.gguf", kind: "bytes" },
  { path: "data/stories260K-q8_0.v2.gguf", kind: "bytes" },
  { path: "data/stories260K-f32.v1.gguf", kind: "bytes" },
  { path: "data/ggml-vocab-llama-spm.gguf", kind: "bytes" },
  { path: "data/ggml-vocab-gpt-2.gguf", kind: "bytes" },
  { path: "data/ggml-vocab-phi-3.gguf", kind: "bytes" },
];
