import { readFileSync } from 'node:fs';
import { spawnServer, type ChildServer } from '../lib/child.js';
import { analyzeDatabase, createDatabase } from '../lib/database.js';
import { tempDir } from '../lib/temp-dirs.js';
import type { GqlSocket } from '../lib/gql-socket.js';
import { BENCH_JWT_SECRET, firedErrors, linkSides, placeCall } from './service-calls.js';
import { inParallel, type CallLink, type Target } from './target.js';

export interface ServiceOptions {
  /** A connection string to a PostgreSQL server where the bench may create and drop a database. */
  adminDatabaseUrl: string;
  /** The tsc build of src/ to run (bench/lib/build.ts). */
  buildDir: string;
  /** Every signal acknowledged, candidates too (clients are advised to send candidates unacknowledged). */
  acknowledgeAll?: boolean;
  /** Node flags of the service's process (bench/signaling.ts: BENCH_NODE_ARGS, then BENCH_SERVICE_NODE_ARGS). */
  nodeArgs?: string[];
  /** Environment on top of {@link serviceEnv}'s (BENCH_SERVICE_B_ENV, for service-b). */
  env?: Record<string, string>;
}

/**
 * The node flags `npm start` gives the service (package.json's start script, `node <flags>
 * dist/main.js`): the bench runs it with the same ones, before any of its own.
 */
export function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  const flags = /\bnode((?: --\S+)*) dist\/main\.js\b/.exec(start);
  if (!flags) throw new Error(`package.json's start script does not run "node [flags] dist/main.js": ${start}`);
  return flags[1]!.split(' ').filter(Boolean);
}

/** The service's environment for the bench: production mode, its own database, a signal limit the bench stays under. */
export function serviceEnv(databaseUrl: string, dataDir: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    JWT_SECRET: BENCH_JWT_SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    // The limit is per sender; each of the bench's senders stays far below these.
    SIGNAL_RATE_PER_SECOND: '10000',
    SIGNAL_BURST: '100000',
    // TURN configured, as in production: FORCE_RELAY defaults to patients, so what the patient
    // side sends goes through the relay-only filter. Nothing here talks to a TURN server.
    TURN_URLS: 'turn:127.0.0.1:3478?transport=udp',
    TURN_SECRET: 'bench-turn-secret',
    RECORDING_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
    ...(process.env.BENCH_SERVICE_ENV ? JSON.parse(process.env.BENCH_SERVICE_ENV) : {}),
  };
}

/**
 * The real service (bench/servers/service.server.ts) on a database of its own, and its clients:
 * each call is placed, answered and joined through the API (service-calls.ts), then both sides
 * subscribe to `signals` and send with `sendSignal` mutations over the same sockets, as
 * docs/SIGNALING.md asks clients to.
 */
export async function startService(options: ServiceOptions): Promise<Target> {
  const database = await createDatabase(options.adminDatabaseUrl);
  const data = await tempDir('vw-calls-bench-');
  let server: ChildServer;
  try {
    server = await spawnServer('service.server.ts', { args: [options.buildDir], nodeArgs: options.nodeArgs, env: { ...serviceEnv(database.url, data.dir), ...options.env } });
  } catch (error) {
    await database.drop();
    await data.remove();
    throw error;
  }
  const sockets: GqlSocket[] = [];
  let nextCall = 0;

  return {
    name: options.acknowledgeAll ? 'service, every signal acknowledged' : 'service (GraphQL)',
    server,
    database: database.name,
    async openCalls(count, onDeliver) {
      const links = await inParallel(count, 8, async (): Promise<CallLink> => {
        const { callId, sockets: sides } = await placeCall(server.url, nextCall++);
        sockets.push(...sides);
        return linkSides(sides, callId, onDeliver, options.acknowledgeAll ?? false);
      });
      // Planned on statistics of the calls just opened, as a deployment's database is.
      await analyzeDatabase(database.url);
      return links;
    },
    sendErrors: () => firedErrors(sockets),
    async close() {
      // The server first: clients that vanish under its backlog would make it log write errors.
      await server.stop();
      for (const socket of sockets) socket.close();
      await database.drop();
      await data.remove();
    },
  };
}
