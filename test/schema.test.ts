import { generate, loadContext } from '@graphql-codegen/cli';
import { printSchema } from 'graphql';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildAppSchema } from '../src/schema/build.js';
import { startApp } from './helpers/app.js';

const root = new URL('../', import.meta.url);

describe('the committed contract', () => {
  it('schema.graphql is exactly the schema the code builds (run `npm run schema` when this fails)', async () => {
    const committed = await readFile(new URL('schema.graphql', root), 'utf8');
    expect(`${printSchema(await buildAppSchema())}\n`).toBe(committed);
  });

  it('the typed documents in test/generated match schema.graphql and the operations (run `npm run codegen`)', async () => {
    const context = await loadContext(new URL('codegen.yml', root).pathname);
    context.cwd = root.pathname;
    const files = await generate(context, false);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files as { filename: string; content: string }[]) {
      expect(await readFile(new URL(file.filename, root), 'utf8'), file.filename).toBe(file.content);
    }
  });
});

describe('health endpoints', () => {
  it('answers /healthz and /readyz, and 404 elsewhere', async () => {
    const app = await startApp();
    try {
      const base = app.url.replace('/graphql', '');
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
