// File paths in Deno, which takes the fetch entry point: Deno.open when it exists.
import { QsimdError } from "../../errors.js";
import { type ByteSource, type FileOpener, handleSource } from "./sources.js";

interface DenoFile {
  seek(offset: number, whence: number): Promise<number>;
  read(p: Uint8Array): Promise<number | null>;
  stat(): Promise<{ size: number }>;
  close(): void;
}
const deno = (globalThis as { Deno?: { open(path: string | URL): Promise<DenoFile> } }).Deno;

export const openDenoFile: FileOpener | undefined = deno && (async (path): Promise<ByteSource> => {
  let file: DenoFile;
  try {
    file = await deno.open(path);
  } catch (error) {
    throw new QsimdError("INVALID_ARGUMENT", `cannot open ${String(path)}: ${(error as Error).message}`, { cause: error });
  }
  // One read at a time: seek and read are not atomic together.
  let queue: Promise<unknown> = Promise.resolve();
  const handle = {
    read(buffer: Uint8Array, offset: number, length: number, position: number) {
      const run = queue.then(async () => {
        await file.seek(position, 0);
        const n = await file.read(buffer.subarray(offset, offset + length));
        return { bytesRead: n ?? 0 };
      });
      queue = run.catch(() => {});
      return run;
    },
    stat: () => file.stat(),
    close: async () => file.close(),
  };
  return handleSource(handle, true);
});
