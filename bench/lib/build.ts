import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `command` with `args` in `cwd`; rejects unless it exits with 0. */
function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', cwd });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

/**
 * Compiles src/ with tsc (tsconfig.build.json, as `npm start` does) into a directory of its own
 * under node_modules/.cache, so the service runs as it does in production, with tsc's decorator
 * metadata and without tsx's keep-names wrappers, and without touching dist/ (which other
 * commands own). Resolves with the directory; `remove()` deletes it.
 *
 * With `revision` (a git commit, branch or tag of this repository), the src/ of that revision is
 * built instead, with this checkout's node_modules: the bench's `service-b` target runs it, so a
 * change to the service's code is measured against the code before it in the same run.
 */
export async function buildService(revision?: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const cache = path.join(root, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(path.join(cache, 'bench-signaling-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    let project = root;
    if (revision) {
      // The revision's sources and compiler settings, beside the build: under this checkout's
      // node_modules, so its imports resolve to the same packages. No work tree is touched.
      project = path.join(dir, 'source');
      await mkdir(project);
      await run('sh', ['-c', 'git archive --format=tar "$0" src tsconfig.json tsconfig.build.json | tar -x -C "$1"', revision, project], root);
    }
    await run(process.execPath, [tsc, '-p', path.join(project, 'tsconfig.build.json'), '--outDir', path.join(dir, revision ? 'out' : '')], project);
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir: revision ? path.join(dir, 'out') : dir, remove };
}

/** Imports `module` (a path under src/, as .js) from a {@link buildService} directory, typed as its source. */
export function importBuilt<T>(dir: string, module: string): Promise<T> {
  return import(pathToFileURL(path.join(dir, module)).href) as Promise<T>;
}
