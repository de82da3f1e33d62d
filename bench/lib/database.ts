import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Databases created and not yet dropped, for the parent's emergency exit. */
const created = new Map<string, () => Promise<void>>();

/** Creates an empty database of its own on the server of `adminUrl`, as test/helpers/app.ts does. */
export async function createDatabase(adminUrl: string): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    if (!created.delete(name)) return;
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
  created.set(name, drop);
  return { name, url: url.toString(), drop };
}

/** A database that already exists (kept by an earlier run) on the server of `adminUrl`; it is never dropped. */
export function existingDatabase(adminUrl: string, name: string): { name: string; url: string } {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a database name: ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/**
 * Gathers the planner's statistics of the database at `url` (`ANALYZE`), as autovacuum does on
 * its own within a minute of a table's rows changing. The machines here run PostgreSQL with
 * autovacuum off, so a bench database would otherwise be planned on no statistics at all for as
 * long as it lives: every statement of the service's timers then loops over all the live calls
 * (bench/README.md, twenty-second session).
 */
export async function analyzeDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

/** Drops every database this process created and has not dropped yet. */
export async function dropAllDatabases(): Promise<void> {
  for (const drop of [...created.values()]) await drop().catch((error) => console.error('could not drop a bench database:', error));
}
