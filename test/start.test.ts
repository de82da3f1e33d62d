import { spawn, execFile } from 'node:child_process';
import { access, chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { MeDocument } from './generated/graphql.js';
import { execute, withDeadline } from './helpers/client.js';

const root = new URL('../', import.meta.url).pathname;
let dataDir: string | undefined;
afterAll(async () => {
  if (!dataDir) return;
  // The embedded PostgreSQL got the same SIGTERM as npm and may still be writing its shutdown
  // checkpoint after npm has exited: wait for it to remove its pid file (it does so last).
  const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && (await access(pidFile).then(() => true, () => false))) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

/**
 * The README's first command on a fresh data directory: `npm start` builds, starts an embedded
 * PostgreSQL, migrates, and serves; `npm run token` mints a token that the server accepts.
 */
describe('npm start with embedded defaults', () => {
  it('serves GraphQL with an embedded PostgreSQL and accepts a development token', { timeout: 120_000 }, async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vw-calls-start-'));
    await chmod(dataDir, 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'info' };
    for (const name of ['DATABASE_URL', 'JWT_SECRET', 'JWT_JWKS_URL', 'REDIS_URL']) delete env[name];
    const child = spawn('npm', ['start'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await withDeadline(new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const match = /ready at (http:\/\/\S+\/graphql)/.exec(output);
          if (match) resolve(match[1]!);
        });
        void exited.then((code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
      }), 90_000, `npm start to be ready; output so far:\n${output}`);
      const startup = JSON.parse(output.split('\n').find((l) => l.includes('"listening"'))!);
      expect(startup.embeddedDatabase).toBe(true);
      console.info(`npm start: embedded PostgreSQL initialised and service listening in ${startup.startupMs} ms (after the build)`);
      expect((await fetch(url.replace('/graphql', '/readyz'))).status).toBe(200);

      const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'token', '--', '--role', 'provider', '--name', 'Dr Ada'], { cwd: root, env });
      const me = await execute(url, MeDocument, {}, stdout.trim());
      expect(me.me).toEqual({ id: 'dev-dr-ada', name: 'Dr Ada', role: 'PROVIDER' });
    } finally {
      // The group may be gone already when start failed; the failure above is the one to report.
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, 'SIGTERM');
        await withDeadline(exited, 20_000, 'npm start to stop');
      }
    }
  });
});
