/**
 * The real service, started through its composition root exactly as `src/main.ts` does, from the
 * tsc build in the directory given as the first argument (bench/lib/build.ts), with the
 * environment the parent passes (a dedicated database, PORT=0, a raised signal rate limit).
 */
import 'reflect-metadata';
import type * as Bootstrap from '../../src/bootstrap.js';
import type * as Config from '../../src/config.js';
import { importBuilt } from '../lib/build.js';
import { serveParent } from './ipc.js';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: service.server.ts <directory of the tsc build of src>');
const { bootstrap } = await importBuilt<typeof Bootstrap>(dir, 'bootstrap.js');
const { loadConfig } = await importBuilt<typeof Config>(dir, 'config.js');
const app = await bootstrap(loadConfig());
serveParent({ type: 'ready', url: app.wsUrl }, () => app.close());
