// Output files are written to a temporary name beside the target and renamed at the end, so a
// failure never leaves a partial file under the name asked for.
import { open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { QsimdError } from "../errors.js";

export async function writeAtomically(path: string, chunks: AsyncIterable<Uint8Array>, inputs: string[]): Promise<number> {
  for (const input of inputs) {
    if (resolve(input) === resolve(path)) throw new QsimdError("INVALID_ARGUMENT", `the output ${path} is the input file`);
  }
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  const handle = await open(temp, "w");
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      for (let done = 0; done < chunk.length; ) done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten;
      bytes += chunk.length;
    }
    await handle.close();
    await rename(temp, path);
    return bytes;
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
