/**
 * Stable error codes. Code that handles errors should switch on `code`; messages may be reworded.
 * - `INVALID_ARGUMENT`: an argument has the wrong type or value.
 * - `LENGTH_MISMATCH`: arrays that must have matching lengths do not.
 * - `UNSUPPORTED_VARIANT`: a build was asked for that this host cannot run (correctly).
 * - `CODEGEN_DISALLOWED`: the host forbids compiling WebAssembly from bytes (workerd / Cloudflare Workers).
 * - `LOAD_FAILED`: the WebAssembly could not be fetched, read, compiled or instantiated.
 * - `OUT_OF_MEMORY`: wasm memory could not grow.
 * - `INVALID_HANDLE`: a resident buffer was freed, or belongs to another instance.
 * - `UNKNOWN_TYPE`: not a GGUF tensor type name or ggml_type id.
 * - `UNSUPPORTED_OPERATION`: a known type or option that qsimd does not handle (yet).
 */
export type QsimdErrorCode =
  | "INVALID_ARGUMENT"
  | "LENGTH_MISMATCH"
  | "UNSUPPORTED_VARIANT"
  | "CODEGEN_DISALLOWED"
  | "LOAD_FAILED"
  | "OUT_OF_MEMORY"
  | "INVALID_HANDLE"
  | "UNKNOWN_TYPE"
  | "UNSUPPORTED_OPERATION";

export class QsimdError extends Error {
  readonly code: QsimdErrorCode;

  constructor(code: QsimdErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "QsimdError";
    this.code = code;
  }
}
