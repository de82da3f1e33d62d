/**
 * The real service, started through its composition root exactly as `src/main.ts` does, from the
 * tsc build in the directory given as the first argument (bench/lib/build.ts), with the
 * environment the parent passes (a dedicated database, PORT=0, a raised signal rate limit).
 * With `coalesce-writes` as the second argument it runs the experiment of coalesce-writes.ts.
 */
import 'reflect-metadata';
import type * as Bootstrap from '../../src/bootstrap.js';
import type * as Config from '../../src/config.js';
import { importBuilt } from '../lib/build.js';
import { coalesceWebSocketWrites } from './coalesce-writes.js';
import { serveParent } from './ipc.js';

const [dir, experiment] = process.argv.slice(2);
if (!dir) throw new Error('usage: service.server.ts <directory of the tsc build of src> [coalesce-writes]');
if (experiment === 'coalesce-writes') coalesceWebSocketWrites();
const { bootstrap } = await importBuilt<typeof Bootstrap>(dir, 'bootstrap.js');
const { loadConfig } = await importBuilt<typeof Config>(dir, 'config.js');
const app = await bootstrap(loadConfig());
serveParent({ type: 'ready', url: app.wsUrl }, () => app.close());
