// readGguf(source): the header at once, tensor data later, one tensor at a time.
import { QsimdError } from "../../errors.js";
import { ResidentBuffer } from "../../resident.js";
import { type GgufHeader, type GgufTensorInfo, NeedMore, parseHeader } from "./header.js";
import { blobSource, type ByteSource, type FileHandleLike, type FileOpener, handleSource, memorySource, streamSource } from "./sources.js";

/** What `readGguf` reads: bytes, a Blob/File, a Response or stream, or (Node, Bun, Deno) a file path, URL or FileHandle. */
export type GgufSource = Uint8Array | ArrayBuffer | Blob | Response | ReadableStream<Uint8Array> | string | URL | FileHandleLike;

export interface ReadGgufOptions {
  /** The largest header read before giving up (default 1 GiB); bounds memory on hostile files. */
  maxHeaderBytes?: number;
}

export interface GgufFile extends GgufHeader {
  /** The file's size in bytes, when the source knows it (not for streams). */
  readonly byteLength: number | undefined;
  /** A tensor's info by name. */
  tensor(name: string): GgufTensorInfo;
  /**
   * A tensor's bytes, read now. With `into` (a Uint8Array or a resident buffer of at least
   * `byteLength` bytes) they land there, so weights can go straight into wasm memory.
   */
  read(tensor: GgufTensorInfo | string, options?: { into?: Uint8Array | ResidentBuffer }): Promise<Uint8Array>;
  /** Closes a file the reader opened (a path); a no-op for other sources. */
  close(): Promise<void>;
}

const FIRST_READ = 1 << 20;

export async function openSource(source: GgufSource, open: FileOpener | undefined): Promise<ByteSource> {
  if (source instanceof Uint8Array) return memorySource(source);
  if (source instanceof ArrayBuffer) return memorySource(new Uint8Array(source));
  if (typeof Blob === "function" && source instanceof Blob) return blobSource(source);
  if (typeof Response === "function" && source instanceof Response) {
    if (!source.body) throw new QsimdError("INVALID_ARGUMENT", "readGguf: the Response has no body");
    return streamSource(source.body);
  }
  if (typeof ReadableStream === "function" && source instanceof ReadableStream) return streamSource(source);
  if (typeof source === "string" || (typeof URL === "function" && source instanceof URL)) {
    if (!open) throw new QsimdError("UNSUPPORTED_OPERATION", "readGguf: this runtime has no file paths; pass bytes, a Blob/File, or a Response from fetch()");
    return open(source);
  }
  if (source && typeof (source as FileHandleLike).read === "function" && typeof (source as FileHandleLike).stat === "function") {
    return handleSource(source as FileHandleLike, false);
  }
  throw new QsimdError("INVALID_ARGUMENT", `readGguf takes bytes, a Blob, a Response, a ReadableStream, a path or a file handle, got ${Object.prototype.toString.call(source)}`);
}

export async function readGgufWith(open: FileOpener | undefined, source: GgufSource, options: ReadGgufOptions = {}): Promise<GgufFile> {
  const max = options.maxHeaderBytes ?? 2 ** 30;
  const bytes = await openSource(source, open);
  let header: GgufHeader;
  try {
    header = await readHeader(bytes, max);
  } catch (error) {
    await bytes.close();
    throw error;
  }
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  const tensor = (name: string) => {
    const t = byName.get(name);
    if (!t) throw new QsimdError("INVALID_ARGUMENT", `the file has no tensor ${JSON.stringify(name)}`);
    return t;
  };
  return {
    ...header,
    byteLength: bytes.size,
    tensor,
    async read(which, { into } = {}) {
      // By name, so the infos of another reading of the same file serve as well.
      const name = typeof which === "string" ? which : which?.name;
      if (typeof name !== "string") throw new QsimdError("INVALID_ARGUMENT", "read() takes a tensor name or a tensor info");
      const t = tensor(name);
      let target: Uint8Array | undefined;
      if (into instanceof ResidentBuffer) target = into.view(Uint8Array);
      else if (into !== undefined) {
        if (!(into instanceof Uint8Array)) throw new QsimdError("INVALID_ARGUMENT", "read(): `into` must be a Uint8Array or a resident buffer");
        target = into;
      }
      if (target && target.length < t.byteLength) {
        throw new QsimdError("LENGTH_MISMATCH", `${t.name} takes ${t.byteLength} bytes; \`into\` holds ${target.length}`);
      }
      return bytes.read(t.offset, t.byteLength, target);
    },
    close: () => bytes.close(),
  };
}

async function readHeader(source: ByteSource, max: number): Promise<GgufHeader> {
  let want = Math.min(FIRST_READ, max);
  for (;;) {
    const { bytes, complete } = await source.prefix(want);
    try {
      return parseHeader(bytes, source.size, complete || bytes.length < want);
    } catch (signal) {
      if (!(signal instanceof NeedMore)) throw signal;
      if (signal.bytes > max) {
        throw new QsimdError("MALFORMED", `GGUF byte ${bytes.length}: the header runs past ${max} bytes (maxHeaderBytes)`, { offset: bytes.length });
      }
      want = Math.min(max, Math.max(signal.bytes, want * 4));
    }
  }
}
