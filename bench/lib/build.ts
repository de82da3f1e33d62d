import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Compiles src/ with tsc (tsconfig.build.json, as `npm start` does) into a directory of its own
 * under node_modules/.cache, so the service runs as it does in production, with tsc's decorator
 * metadata and without tsx's keep-names wrappers, and without touching dist/ (which other
 * commands own). Resolves with the directory; `remove()` deletes it.
 */
export async function buildService(): Promise<{ dir: string; remove(): Promise<void> }> {
  const cache = path.join(root, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(path.join(cache, 'bench-signaling-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', dir], { stdio: 'inherit', cwd: root });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) {
    await remove();
    throw new Error(`tsc -p tsconfig.build.json exited with ${code}`);
  }
  return { dir, remove };
}

/** Imports `module` (a path under src/, as .js) from a {@link buildService} directory, typed as its source. */
export function importBuilt<T>(dir: string, module: string): Promise<T> {
  return import(pathToFileURL(path.join(dir, module)).href) as Promise<T>;
}
