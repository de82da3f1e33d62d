import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnswerCallDocument, CancelCallDocument, DeclineCallDocument, EndCallDocument, GetCallDocument, InitiateCallDocument,
  ListCallsDocument, MarkCallFailedDocument, MarkCallMissedDocument, MeDocument,
  type CallFilter, type CallStatus, type CallType, type ListCallsQuery,
} from './generated/graphql.js';
import { startApp, type TestApp } from './helpers/app.js';
import { execute, executeError, post } from './helpers/client.js';

type Node = ListCallsQuery['calls']['edges'][number]['node'];
/** Any of the lifecycle mutations: each returns the call under its own field name (variables differ, hence never). */
type LifecycleDocument = TypedDocumentNode<Record<string, { status: CallStatus }>, never>;

/** What the test knows about a call it placed, to work out the history each viewer should see. */
interface Seeded {
  id: string;
  createdAt: string;
  type: CallType;
  status: CallStatus;
  appointmentId: string | null;
  /** Caller first. */
  people: string[];
}

let app: TestApp;
/** Statements seen while `counting` is on (the timers are slowed down so they add none). */
const statements: string[] = [];
let counting = false;
const tokens: Record<string, string> = {};
const seeded: Seeded[] = [];

const newestFirst = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }) =>
  Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
const idsOf = (calls: Seeded[]) => [...calls].sort(newestFirst).map((c) => c.id);
const involving = (user: string) => seeded.filter((c) => c.people.includes(user));

/** Walks every page of `calls` for `user`, checking the page invariants on the way. */
async function allPages(user: string, filter: CallFilter = {}, first = 3): Promise<Node[]> {
  const nodes: Node[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page++) {
    const { calls }: ListCallsQuery = await execute(app.url, ListCallsDocument, { filter, first, after }, tokens[user]);
    expect(calls.edges.length).toBeLessThanOrEqual(first);
    expect(calls.pageInfo.endCursor).toBe(calls.edges.at(-1)?.cursor ?? null);
    nodes.push(...calls.edges.map((e) => e.node));
    if (!calls.pageInfo.hasNextPage) return nodes;
    expect(calls.edges).toHaveLength(first);
    after = calls.pageInfo.endCursor;
  }
  throw new Error('calls did not reach its last page in 100 pages');
}

async function place(caller: string, invitees: string[], extra: { type?: CallType; appointmentId?: string; scheduledAt?: string } = {}) {
  const { initiateCall } = await execute(app.url, InitiateCallDocument, {
    input: { type: extra.type ?? 'VIDEO', inviteeIds: invitees, appointmentId: extra.appointmentId, scheduledAt: extra.scheduledAt },
  }, tokens[caller]);
  const call: Seeded = {
    id: initiateCall.id, createdAt: initiateCall.createdAt, type: initiateCall.type, status: initiateCall.status,
    appointmentId: initiateCall.appointmentId ?? null, people: [caller, ...invitees],
  };
  seeded.push(call);
  return call;
}

beforeAll(async () => {
  // No timer round may run while statements are counted: poll once a minute, ring for ten.
  app = await startApp({ TIMER_POLL_INTERVAL_MS: '60000', RING_TIMEOUT_MS: '600000' }, {
    onQuery: (sql) => void (counting && statements.push(sql)),
  });
  const people: [string, 'patient' | 'provider' | 'admin', string][] = [
    ['ada', 'provider', 'Dr Ada'], ['bob', 'provider', 'Dr Bob'],
    ['pat', 'patient', 'Pat'], ['sam', 'patient', 'Sam'], ['kim', 'patient', 'Kim'],
    ['root', 'admin', 'Root'],
  ];
  for (const [id, role, name] of people) {
    tokens[id] = await app.token(id, role, name);
    await execute(app.url, MeDocument, {}, tokens[id]); // signs in, so roles are known
  }
  /** Runs a lifecycle mutation on `call` and records the status it reached. */
  const act = async (user: string, document: LifecycleDocument, call: Seeded, variables: Record<string, unknown> = {}) => {
    const data = await execute(app.url, document, { callId: call.id, ...variables } as never, tokens[user]);
    call.status = Object.values(data)[0]!.status;
  };

  // Sequential, so every call has its own place in time (ties would still be ordered by id).
  const c1 = await place('ada', ['pat'], { appointmentId: 'appt-1' });
  await act('pat', AnswerCallDocument, c1);
  await act('ada', EndCallDocument, c1);
  const c2 = await place('ada', ['sam'], { type: 'AUDIO' });
  await act('sam', DeclineCallDocument, c2);
  const c3 = await place('bob', ['pat'], { appointmentId: 'appt-2' });
  await act('bob', CancelCallDocument, c3);
  const c4 = await place('pat', ['ada']);
  await act('ada', AnswerCallDocument, c4);
  await act('pat', EndCallDocument, c4);
  const c5 = await place('bob', ['sam', 'kim'], { type: 'SCREEN_SHARE' });
  await act('sam', AnswerCallDocument, c5);
  await place('ada', ['bob'], { type: 'AUDIO', appointmentId: 'appt-1' }); // stays RINGING
  const c7 = await place('sam', ['bob']);
  await act('bob', AnswerCallDocument, c7);
  await act('bob', MarkCallFailedDocument, c7, { code: 'ICE_FAILED', message: 'no candidate pair succeeded' });
  const c8 = await place('ada', ['pat', 'kim'], { appointmentId: 'appt-3' });
  await act('ada', MarkCallMissedDocument, c8);
  const c9 = await place('kim', ['ada'], { type: 'AUDIO' });
  await act('ada', DeclineCallDocument, c9);
  await place('bob', ['pat'], { scheduledAt: new Date(Date.now() + 86_400_000).toISOString() }); // stays SCHEDULED
  const c11 = await place('ada', ['pat']);
  await act('pat', AnswerCallDocument, c11);
  await act('pat', EndCallDocument, c11);
  const c12 = await place('bob', ['kim'], { type: 'AUDIO', appointmentId: 'appt-2' });
  await act('kim', AnswerCallDocument, c12);
  await act('kim', EndCallDocument, c12);
  expect(seeded.map((c) => c.status)).toEqual([
    'ENDED', 'DECLINED', 'CANCELLED', 'ENDED', 'ACTIVE', 'RINGING', 'FAILED', 'MISSED', 'DECLINED', 'SCHEDULED', 'ENDED', 'ENDED',
  ]);
});
afterAll(() => app?.close());

describe('call history', () => {
  it('pages newest first with no duplicates or gaps, and says when it has reached the end', async () => {
    const expected = idsOf(involving('ada'));
    expect(expected).toHaveLength(7);
    for (const first of [1, 2, 3, 7, 100]) {
      const ids = (await allPages('ada', {}, first)).map((n) => n.id);
      expect(ids, `pages of ${first}`).toEqual(expected);
    }
  });

  it('continues right after any edge cursor and gives an empty page a null endCursor', async () => {
    const { calls } = await execute(app.url, ListCallsDocument, { first: 7 }, tokens.ada);
    const third = calls.edges[2]!;
    const rest = await execute(app.url, ListCallsDocument, { first: 2, after: third.cursor }, tokens.ada);
    expect(rest.calls.edges.map((e) => e.node.id)).toEqual(calls.edges.slice(3, 5).map((e) => e.node.id));
    expect(rest.calls.pageInfo.hasNextPage).toBe(true);

    expect(calls.pageInfo.hasNextPage).toBe(false);
    const beyond = await execute(app.url, ListCallsDocument, { first: 7, after: calls.pageInfo.endCursor }, tokens.ada);
    expect(beyond.calls).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('narrows by status, type, time, appointment and participant, alone and together', async () => {
    const adas = involving('ada');
    const created = idsOf(adas).map((id) => adas.find((c) => c.id === id)!); // newest first
    const from = created[5]!.createdAt;
    const to = created[1]!.createdAt;
    const cases: [CallFilter, Seeded[]][] = [
      [{ status: ['ENDED', 'DECLINED'] }, adas.filter((c) => c.status === 'ENDED' || c.status === 'DECLINED')],
      [{ status: ['MISSED'] }, adas.filter((c) => c.status === 'MISSED')],
      [{ type: 'AUDIO' }, adas.filter((c) => c.type === 'AUDIO')],
      [{ from }, adas.filter((c) => Date.parse(c.createdAt) >= Date.parse(from))],
      [{ to }, adas.filter((c) => Date.parse(c.createdAt) < Date.parse(to))],
      [{ from, to }, adas.filter((c) => Date.parse(c.createdAt) >= Date.parse(from) && Date.parse(c.createdAt) < Date.parse(to))],
      [{ appointmentId: 'appt-1' }, adas.filter((c) => c.appointmentId === 'appt-1')],
      [{ participantId: 'pat' }, adas.filter((c) => c.people.includes('pat'))],
      [{ participantId: 'pat', status: ['ENDED'], type: 'VIDEO' }, adas.filter((c) => c.people.includes('pat') && c.status === 'ENDED' && c.type === 'VIDEO')],
      [{ appointmentId: 'appt-2' }, []], // bob's appointment: not in ada's history
    ];
    for (const [filter, matching] of cases) {
      const ids = (await allPages('ada', filter, 2)).map((n) => n.id);
      expect(ids, JSON.stringify(filter)).toEqual(idsOf(matching));
    }
    // Every case above narrowed something, or the test would prove nothing.
    expect(cases.filter(([, m]) => m.length > 0 && m.length < adas.length)).toHaveLength(cases.length - 1);
  });

  it('lists participants with their join and leave times', async () => {
    const nodes = await allPages('pat', { appointmentId: 'appt-1' });
    expect(nodes).toHaveLength(1);
    const ended = nodes[0]!;
    expect(ended.createdBy).toEqual({ id: 'ada', name: 'Dr Ada', role: 'PROVIDER' });
    expect(ended.participants.map((p) => [p.user.id, p.role, p.status, p.joinedAt, p.leftAt])).toEqual([
      ['ada', 'CALLER', 'LEFT', ended.ringStartedAt, ended.endedAt],
      ['pat', 'INVITEE', 'LEFT', ended.answeredAt, ended.endedAt],
    ]);
    expect(ended.participants.every((p) => p.invitedAt === ended.createdAt)).toBe(true);

    const [declined] = await allPages('sam', { status: ['DECLINED'] });
    expect(declined!.participants.map((p) => [p.user.id, p.status, p.joinedAt, p.leftAt])).toEqual([
      ['ada', 'LEFT', declined!.ringStartedAt, declined!.endedAt],
      ['sam', 'DECLINED', null, null],
    ]);
    // The caller first, then the invitees in the order initiateCall listed them (sam, kim).
    const [group] = await allPages('kim', { type: 'SCREEN_SHARE' });
    expect(group!.participants.map((p) => [p.user.id, p.role, p.status, p.joinedAt, p.leftAt])).toEqual([
      ['bob', 'CALLER', 'JOINED', group!.ringStartedAt, null],
      ['sam', 'INVITEE', 'JOINED', group!.answeredAt, null],
      ['kim', 'INVITEE', 'INVITED', null, null],
    ]);
  });
});

describe('who sees which calls', () => {
  it('shows patients and providers only the calls they are in', async () => {
    for (const user of ['pat', 'sam', 'kim', 'ada', 'bob']) {
      const ids = (await allPages(user, {}, 4)).map((n) => n.id);
      expect(ids, user).toEqual(idsOf(involving(user)));
      expect(ids.length, user).toBeGreaterThan(0);
    }
  });

  it('shows an admin every call in the database, and any one of them', async () => {
    const db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ id: string }>('SELECT id FROM calls ORDER BY created_at DESC, id DESC');
      const ids = (await allPages('root', {}, 5)).map((n) => n.id);
      expect(ids).toEqual(rows.map((r) => r.id));
      expect(ids).toEqual(expect.arrayContaining(seeded.map((c) => c.id)));
    } finally {
      await db.end();
    }
    const c1 = seeded[0]!;
    const { call } = await execute(app.url, GetCallDocument, { id: c1.id }, tokens.root);
    expect(call).toMatchObject({ id: c1.id, status: 'ENDED', createdBy: { id: 'ada' } });
    expect(call.participants.map((p) => p.user.id)).toEqual(['ada', 'pat']);
    // The admin filter by participant is every call of that user.
    expect((await allPages('root', { participantId: 'kim' })).map((n) => n.id)).toEqual(idsOf(involving('kim')));
  });

  it('limits a non-admin participant filter to calls shared with that user', async () => {
    const shared = (await allPages('pat', { participantId: 'bob' })).map((n) => n.id);
    expect(shared).toEqual(idsOf(seeded.filter((c) => c.people.includes('pat') && c.people.includes('bob'))));
    expect(shared).toHaveLength(2);
    // sam has calls, but none with pat: pat learns nothing about them.
    expect(involving('sam').length).toBeGreaterThan(0);
    const none = await execute(app.url, ListCallsDocument, { filter: { participantId: 'sam' } }, tokens.pat);
    expect(none.calls).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('answers a call the viewer is not in exactly as it answers a call that does not exist', async () => {
    const adaAndPat = seeded[0]!;
    const missing = '3f1c2b9e-7a4d-4c8e-9b2a-5d6e7f809a1b';
    for (const outsider of ['sam', 'bob']) {
      const hidden = await post(app.url, GetCallDocument, { id: adaAndPat.id }, tokens[outsider]);
      const absent = await post(app.url, GetCallDocument, { id: missing }, tokens[outsider]);
      expect(hidden.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(hidden).toEqual(absent);
      expect(JSON.stringify(hidden.body)).not.toContain(adaAndPat.id);
    }
  });

  it('refuses an admin every lifecycle change on a call they are not part of, and changes nothing', async () => {
    const ringing = seeded.find((c) => c.status === 'RINGING')!;
    const active = seeded.find((c) => c.status === 'ACTIVE')!;
    const attempts: [string, Promise<{ extensions?: { code?: string } }>][] = [
      ['answer', executeError(app.url, AnswerCallDocument, { callId: ringing.id }, tokens.root)],
      ['decline', executeError(app.url, DeclineCallDocument, { callId: ringing.id }, tokens.root)],
      ['cancel', executeError(app.url, CancelCallDocument, { callId: ringing.id }, tokens.root)],
      ['miss', executeError(app.url, MarkCallMissedDocument, { callId: ringing.id }, tokens.root)],
      ['end', executeError(app.url, EndCallDocument, { callId: active.id }, tokens.root)],
      ['fail', executeError(app.url, MarkCallFailedDocument, { callId: active.id, code: 'OTHER' }, tokens.root)],
    ];
    for (const [what, attempt] of attempts) expect((await attempt).extensions?.code, what).toBe('FORBIDDEN');
    expect((await execute(app.url, GetCallDocument, { id: ringing.id }, tokens.root)).call.status).toBe('RINGING');
    expect((await execute(app.url, GetCallDocument, { id: active.id }, tokens.root)).call.status).toBe('ACTIVE');
  });
});

describe('a page and its audit row', () => {
  it('serves a page only with its audit row: when the row cannot be written, the page is refused', async () => {
    const db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    try {
      const rows = async () => Number((await db.query(`SELECT count(*) FROM audit_events WHERE action = 'calls.list' AND actor_id = 'ada'`)).rows[0].count);
      const before = await rows();
      expect((await execute(app.url, ListCallsDocument, { first: 5 }, tokens.ada)).calls.edges.length).toBeGreaterThan(0);
      expect(await rows()).toBe(before + 1);
      // audit_append fails while its table is away: the read written down with it fails with it.
      await db.query('ALTER TABLE audit_events RENAME TO audit_events_away');
      try {
        const error = await executeError(app.url, ListCallsDocument, { first: 5 }, tokens.ada);
        expect(error.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
        // The masked message and nothing else: no SQL, no table, no user (the id is random hex, which once held "ada").
        expect(error.message).toMatch(/^Unexpected error; quote correlation id [0-9a-f-]{36} to support$/);
      } finally {
        await db.query('ALTER TABLE audit_events_away RENAME TO audit_events');
      }
      expect(await rows()).toBe(before + 1);
      expect((await execute(app.url, ListCallsDocument, { first: 5 }, tokens.ada)).calls.edges.length).toBeGreaterThan(0);
      expect(await rows()).toBe(before + 2);
    } finally {
      await db.end();
    }
  });
});

describe('the cost of a history page', () => {
  it('reads a page of calls with participants, users and caller in the same few statements for 10 calls as for 50', async () => {
    const patients = Array.from({ length: 10 }, (_, i) => `many-p${i}`);
    tokens.many = await app.token('many', 'provider', 'Dr Many');
    // Fifty calls in batches of ten requests at a time; every fifth one a group call.
    for (let batch = 0; batch < 5; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => {
        const invitees = i % 5 === 0 ? [patients[i]!, patients[(i + 1) % 10]!] : [patients[i]!];
        return execute(app.url, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: invitees } }, tokens.many);
      }));
    }
    const countPage = async (first: number) => {
      statements.length = 0;
      counting = true;
      try {
        const { calls } = await execute(app.url, ListCallsDocument, { first }, tokens.many);
        return { calls, sql: [...statements] };
      } finally {
        counting = false;
      }
    };

    const fifty = await countPage(50);
    expect(fifty.calls.edges).toHaveLength(50);
    const users = new Set(fifty.calls.edges.flatMap((e) => e.node.participants.map((p) => p.user.id)));
    expect(users.size).toBe(11);
    expect(fifty.calls.edges.every((e) => e.node.createdBy.name === 'Dr Many')).toBe(true);
    // 1. the page itself (keyset over the viewer's participation index), each call with its
    //    participants and their users as JSON, which prime the loader that `participants` and
    //    `createdBy` share;
    // 2. its audit row, appended by audit_append (lock, last hash, insert) in one statement,
    //    while the page is read.
    expect(fifty.sql, fifty.sql.join('\n---\n')).toHaveLength(2);
    expect(fifty.sql.filter((sql) => sql.includes('audit_append'))).toHaveLength(1);
    expect(fifty.sql.filter((sql) => sql.includes('call_participants'))).toHaveLength(1);

    const ten = await countPage(10);
    expect(ten.calls.edges).toHaveLength(10);
    expect(ten.sql).toHaveLength(fifty.sql.length);
  });
});
