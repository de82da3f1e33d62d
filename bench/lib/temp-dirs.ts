import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Temporary directories made and not yet removed, for the parent's emergency exit. */
const made = new Set<string>();

/** Makes a temporary directory `<tmp>/<prefix>XXXXXX`; `remove()` deletes it, `keep()` leaves it for good. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void>; keep(): void }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  made.add(dir);
  return {
    dir,
    remove: async () => {
      made.delete(dir);
      await rm(dir, { recursive: true, force: true });
    },
    keep: () => void made.delete(dir),
  };
}

/** Removes every directory {@link tempDir} made and nobody removed. */
export async function removeAllTempDirs(): Promise<void> {
  for (const dir of [...made]) {
    made.delete(dir);
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}
