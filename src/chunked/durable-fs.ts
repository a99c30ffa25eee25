/**
 * File-system helpers for crash-safe writes: data is written and fsynced before it is renamed into
 * place, and the folder holding a rename is fsynced so the rename itself survives a crash.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';

export async function writeFileDurable(file: string, data: Buffer | string, durable = true): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(data);
    if (durable) await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes all of `data` at the handle's current position (a write may take fewer bytes than asked). */
export async function writeAll(handle: FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Writes `data` to a temporary name beside `file`, fsyncs it, renames it over `file`, fsyncs the folder. */
export async function replaceFileAtomically(file: string, data: Buffer | string, dir: string): Promise<void> {
  const temp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await writeFileDurable(temp, data);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDir(dir);
}

export function nonce(): string {
  return randomBytes(6).toString('hex');
}
