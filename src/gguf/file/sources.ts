// Where a GGUF file's bytes come from: memory, a Blob (sliced lazily), a stream (read forward
// once), or a file opened by the runtime's entry point. Each gives ranges on demand, so a model is
// never read whole to see its header or one tensor.
import { QsimdError } from "../../errors.js";

export interface ByteSource {
  /** The file's size, when known before reading it all (not for streams). */
  readonly size: number | undefined;
  /** Bytes [offset, offset + length), into `into` when given (which must hold them). */
  read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
  /** The first `length` bytes or all there are, for the header; `complete` when that is the whole file. */
  prefix(length: number): Promise<{ bytes: Uint8Array; complete: boolean }>;
  close(): Promise<void>;
}

/** A Node `fs.promises` FileHandle, or anything with its `read` and `stat`. */
export interface FileHandleLike {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number | bigint }>;
  close?(): Promise<void>;
}

/** How an entry point opens file paths (Node, Bun, Deno); undefined where there are no files. */
export type FileOpener = (path: string | URL) => Promise<ByteSource>;

const truncated = (offset: number, size: number) =>
  new QsimdError("TRUNCATED", `GGUF byte ${size}: the file ends before byte ${offset}`, { offset: size });

function place(bytes: Uint8Array, into: Uint8Array | undefined): Uint8Array {
  if (!into) return bytes;
  into.set(bytes);
  return into.subarray(0, bytes.length);
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    async read(offset, length, into) {
      if (offset + length > bytes.length) throw truncated(offset + length, bytes.length);
      return place(into ? bytes.subarray(offset, offset + length) : bytes.slice(offset, offset + length), into);
    },
    async prefix(length) {
      return { bytes: bytes.subarray(0, Math.min(length, bytes.length)), complete: length >= bytes.length };
    },
    async close() {},
  };
}

export function blobSource(blob: Blob): ByteSource {
  const read = async (offset: number, length: number) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
  return {
    size: blob.size,
    async read(offset, length, into) {
      if (offset + length > blob.size) throw truncated(offset + length, blob.size);
      return place(await read(offset, length), into);
    },
    async prefix(length) {
      return { bytes: await read(0, Math.min(length, blob.size)), complete: length >= blob.size };
    },
    async close() {},
  };
}

/** A file handle read with positioned reads; `own` closes it with the source. */
export async function handleSource(handle: FileHandleLike, own: boolean): Promise<ByteSource> {
  const size = Number((await handle.stat()).size);
  const readAt = async (offset: number, length: number, into?: Uint8Array) => {
    if (offset + length > size) throw truncated(offset + length, size);
    const out = into ? into.subarray(0, length) : new Uint8Array(length);
    for (let done = 0; done < length; ) {
      const { bytesRead } = await handle.read(out, done, length - done, offset + done);
      if (bytesRead <= 0) throw truncated(offset + done, offset + done);
      done += bytesRead;
    }
    return out;
  };
  return {
    size,
    read: readAt,
    async prefix(length) {
      return { bytes: await readAt(0, Math.min(length, size)), complete: length >= size };
    },
    async close() {
      if (own) await handle.close?.();
    },
  };
}

/** A stream: read forward only, so tensors come in file order (as they are stored). */
export function streamSource(stream: ReadableStream<Uint8Array>): ByteSource {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let first = 0; // chunks before this index are dropped
  let start = 0; // file offset of chunks[first][0]
  let end = 0; // file offset just past the last chunk
  let done = false;
  const pull = async () => {
    const next = await reader.read();
    if (next.done) done = true;
    else if (next.value.length) chunks.push(next.value), (end += next.value.length);
  };
  // Bytes [from, from + length) of what is buffered, into out.
  const copy = (from: number, length: number, out: Uint8Array) => {
    let skip = from - start;
    let put = 0;
    for (let i = first; i < chunks.length && put < length; i++) {
      const c = chunks[i];
      if (skip >= c.length) { skip -= c.length; continue; }
      const n = Math.min(c.length - skip, length - put);
      out.set(c.subarray(skip, skip + n), put);
      put += n;
      skip = 0;
    }
    return out;
  };
  const drop = (to: number) => {
    while (first < chunks.length && start + chunks[first].length <= to) start += chunks[first++].length;
    if (first > 1024 && first * 2 > chunks.length) chunks.splice(0, first), (first = 0);
  };
  return {
    size: undefined,
    async read(offset, length, into) {
      if (offset < start) {
        throw new QsimdError("UNSUPPORTED_OPERATION", `a stream reads forward only: byte ${offset} has already gone by (read tensors in file order, or pass a Blob, bytes or a file)`);
      }
      drop(offset);
      while (!done && end < offset + length) await pull();
      if (end < offset + length) throw truncated(offset + length, end);
      const out = copy(offset, length, into ? into.subarray(0, length) : new Uint8Array(length));
      drop(offset + length);
      return out;
    },
    async prefix(length) {
      while (!done && end < length) await pull();
      const n = Math.min(length, end);
      return { bytes: copy(0, n, new Uint8Array(n)), complete: done && n === end };
    },
    async close() {
      await reader.cancel().catch(() => {});
    },
  };
}
