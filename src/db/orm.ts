import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import { entities } from '../entities/index.js';
import { migrations } from '../migrations/index.js';

export type Orm = MikroORM;

/**
 * Connects to PostgreSQL at `url` and applies every pending committed migration, all or nothing.
 * `onQuery` sees each SQL statement before it runs (tests count them to catch N+1 regressions).
 */
export async function openOrm(url: string, onQuery?: (sql: string) => void): Promise<Orm> {
  const orm = await MikroORM.init({
    clientUrl: url,
    entities,
    extensions: [Migrator],
    migrations: { migrationsList: migrations, snapshot: false, transactional: true, allOrNothing: true, silent: true },
    // Connections are kept a minute, and two always: the timers, presence and signaling's views
    // query every few seconds, and with pg's 10 s default a connection was closed and opened
    // again between two of them (a new backend process each time, on the database's cores).
    pool: { min: 2, max: 10, idleTimeoutMillis: 60_000 },
    ensureDatabase: false,
    debug: false,
    colors: false,
    // SQL parameters can hold patient data: the ORM's own logger stays off.
    logger: () => {},
    onQuery: (sql) => {
      onQuery?.(sql);
      return sql;
    },
  });
  try {
    await orm.migrator.up();
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}
