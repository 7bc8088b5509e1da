// File paths in Node and Bun: positioned reads on a FileHandle, closed with the GGUF file.
import { open } from "node:fs/promises";
import { QsimdError } from "../../errors.js";
import { type ByteSource, handleSource } from "./sources.js";

export async function openNodeFile(path: string | URL): Promise<ByteSource> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new QsimdError("INVALID_ARGUMENT", `cannot open ${String(path)}: ${(error as Error).message}`, { cause: error });
  }
  return handleSource(handle, true);
}
