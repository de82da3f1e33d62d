import 'reflect-metadata';
import { bootstrap } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';

try {
  const app = await bootstrap(loadConfig());
  console.log(`VytalWatch Calls ready at ${app.url} (graphql-ws at ${app.wsUrl})`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
