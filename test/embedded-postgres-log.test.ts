import { describe, expect, it } from 'vitest';
import { serverLine, serverLines } from '../src/db/embedded-postgres.js';

describe("the embedded PostgreSQL's log, as the service logs it", () => {
  it('keeps the text of the server LOG lines and only the severity of the others, which may quote row values', () => {
    const prefix = '2026-12-08 00:00:00.000 UTC [4242] ';
    expect(serverLine(`${prefix}LOG:  database system is ready to accept connections\n`)).toEqual({
      severity: 'LOG', message: `${prefix}LOG:  database system is ready to accept connections`,
    });
    const refused = [
      `${prefix}ERROR:  duplicate key value violates unique constraint "users_email_key"`,
      `${prefix}DETAIL:  Key (email)=(pat.smith@example.org) already exists.`,
      `${prefix}STATEMENT:  INSERT INTO users (id, name) VALUES ('pat-1', 'Pat Smith')`,
      `${prefix}FATAL:  password authentication failed for user "pat"`,
    ];
    expect(refused.map(serverLine)).toEqual([{ severity: 'ERROR' }, { severity: 'DETAIL' }, { severity: 'STATEMENT' }, { severity: 'FATAL' }]);
    expect(serverLine('something else entirely: pat.smith@example.org')).toEqual({ severity: 'UNKNOWN' });
    // One chunk of the server's output may hold several lines: each is judged on its own.
    const chunk = `${prefix}LOG:  checkpoint complete\n${refused[0]}\n${refused[1]}\n`;
    expect(serverLines(chunk)).toEqual([{ severity: 'LOG', message: `${prefix}LOG:  checkpoint complete` }, { severity: 'ERROR' }, { severity: 'DETAIL' }]);
    expect(JSON.stringify(serverLines(chunk))).not.toContain('pat.smith');
  });
});
