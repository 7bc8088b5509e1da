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
 * - `BAD_MAGIC`: the bytes are not a GGUF file.
 * - `UNSUPPORTED_VERSION`: a GGUF version other than 1, 2 or 3, or a big-endian file.
 * - `TRUNCATED`: the file ends before what its header says is there.
 * - `MALFORMED`: the file's structure is inconsistent (counts, lengths, offsets, duplicates, alignment).
 * File errors carry `offset`, the byte in the file where the problem was found.
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
  | "UNSUPPORTED_OPERATION"
  | "BAD_MAGIC"
  | "UNSUPPORTED_VERSION"
  | "TRUNCATED"
  | "MALFORMED";

export class QsimdError extends Error {
  readonly code: QsimdErrorCode;
  /** For errors in a file: the byte offset where the problem was found. */
  readonly offset?: number;

  constructor(code: QsimdErrorCode, message: string, options?: { cause?: unknown; offset?: number }) {
    super(message, options);
    this.name = "QsimdError";
    this.code = code;
    if (options?.offset !== undefined) this.offset = options.offset;
  }
}
