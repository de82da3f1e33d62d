import type { TestProject } from 'vitest/node';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { createLogger } from '../src/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server where each test file creates a database of its own. */
    databaseUrl: string;
  }
}

/**
 * Uses the PostgreSQL at DATABASE_URL (CI: the machine's own), or else starts one embedded
 * PostgreSQL for the whole run in a temporary directory, removed afterwards.
 */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('databaseUrl', process.env.DATABASE_URL);
    return;
  }
  // embedded-postgres's exit hook ends the process with code 0 on beforeExit, which would hide
  // vitest's failing exit code: exit first, with vitest's code.
  process.once('beforeExit', () => process.exit(process.exitCode ?? 0));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vw-calls-pg-'));
  // Under root the cluster runs as the postgres user, who must be able to enter this directory.
  await chmod(dir, 0o755);
  const db = await startEmbeddedPostgres(path.join(dir, 'cluster'), createLogger('warn'), false);
  project.provide('databaseUrl', db.url);
  return async () => {
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
