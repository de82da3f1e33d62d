import pg from 'pg';
import { it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { AnswerCallDocument, InitiateCallDocument, MarkCallFailedDocument, MeDocument } from './generated/graphql.js';
import { startApp } from './helpers/app.js';
import { execute, post } from './helpers/client.js';

it('debug', async () => {
  const lines: string[] = [];
  const app = await startApp({}, { logger: createLogger('debug', (l) => lines.push(l)) });
  try {
    const ada = await app.token('ada', 'provider', 'Dr Ada');
    const pat = await app.token('pat', 'patient', 'Patricia Q Patient');
    for (const t of [ada, pat]) await execute(app.url, MeDocument, {}, t);
    const c = (await execute(app.url, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['ada'] } }, pat)).initiateCall.id;
    await execute(app.url, AnswerCallDocument, { callId: c }, ada);
    const db = new pg.Client({ connectionString: app.databaseUrl }); await db.connect();
    await db.query(`CREATE FUNCTION refuse_failed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION E'storage refused the row:\\n%\\n(%)', NEW.failure_message, NEW.id; END $$`);
    await db.query(`CREATE TRIGGER refuse_failed BEFORE UPDATE ON calls FOR EACH ROW WHEN (NEW.failure_message IS NOT NULL) EXECUTE FUNCTION refuse_failed()`);
    await db.end();
    const r = await post(app.url, MarkCallFailedDocument, { callId: c, code: 'OTHER', message: 'Patricia Q Patient had chest pain' }, ada);
    console.log(JSON.stringify(r.body));
    console.log(lines.join(''));
  } finally { await app.close(); }
});
