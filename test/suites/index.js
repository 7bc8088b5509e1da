import bench from "./bench.js";
import gguf from "./gguf.js";
import ggufFiles from "./gguf-files.js";
import ggufModels from "./gguf-models.js";
import identity from "./identity.js";
import kernels from "./kernels.js";
import linear from "./linear.js";
import loader from "./loader.js";
import matmul from "./matmul.js";
import realModels from "./real-models.js";
import vectors from "./vectors.js";

/** Every runtime-agnostic suite, in the order they run. */
export const suites = [loader, kernels, linear, matmul, vectors, gguf, ggufFiles, ggufModels, realModels, identity, bench];
