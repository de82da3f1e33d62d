import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnswerCallDocument, CallEventsDocument, CancelCallDocument, DeclineCallDocument, EndCallDocument, GetCallDocument,
  IncomingCallDocument, InitiateCallDocument, MarkCallFailedDocument, MarkCallMissedDocument,
} from './generated/graphql.js';
import { startApp, type TestApp } from './helpers/app.js';
import { connected, execute, executeError, subscribe, wsClient } from './helpers/client.js';

let app: TestApp;
let ada: string; // provider
let bob: string; // provider
let pat: string; // patient
let sam: string; // patient

beforeAll(async () => {
  app = await startApp();
  // Everyone signs in once, so roles are known.
  ({ ada, bob, pat, sam } = (await app.signIn([
    ['ada', 'provider', 'Dr Ada'], ['bob', 'provider', 'Dr Bob'], ['pat', 'patient', 'Pat'], ['sam', 'patient', 'Sam'],
  ])) as Record<'ada' | 'bob' | 'pat' | 'sam', string>);
});
afterAll(() => app?.close());

const call = (token: string, inviteeIds: string[], extra: Record<string, unknown> = {}) =>
  execute(app.url, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds, ...extra } }, token).then((d) => d.initiateCall);

describe('the call lifecycle', () => {
  it('rings the invitee, connects on answer and ends with durations and reasons recorded', async () => {
    const placed = await call(ada, ['pat'], { appointmentId: 'appt-17', clinicalNoteId: 'note-9' });
    expect(placed.status).toBe('RINGING');
    expect(placed.appointmentId).toBe('appt-17');
    expect(placed.createdBy).toEqual({ id: 'ada', name: 'Dr Ada', role: 'PROVIDER' });
    expect(placed.participants.map((p) => [p.user.id, p.role, p.status])).toEqual([
      ['ada', 'CALLER', 'JOINED'],
      ['pat', 'INVITEE', 'INVITED'],
    ]);

    const answered = (await execute(app.url, AnswerCallDocument, { callId: placed.id }, pat)).answerCall;
    expect(answered.status).toBe('ACTIVE');
    expect(answered.timeToAnswerMs).toBeGreaterThanOrEqual(0);
    expect(answered.participants.find((p) => p.user.id === 'pat')?.joinedAt).toBeTruthy();

    const ended = (await execute(app.url, EndCallDocument, { callId: placed.id }, pat)).endCall;
    expect(ended.status).toBe('ENDED');
    expect(ended.endReason).toBe('HANGUP');
    expect(ended.durationMs).toBe(Date.parse(ended.endedAt!) - Date.parse(ended.answeredAt!));
    for (const p of ended.participants) {
      expect(p.status).toBe('LEFT');
      expect(Date.parse(p.leftAt!)).toBe(Date.parse(ended.endedAt!));
    }
  });

  it('declines, cancels and fails only along the state machine, naming the current status otherwise', async () => {
    const declined = await call(ada, ['pat']);
    expect((await execute(app.url, DeclineCallDocument, { callId: declined.id }, pat)).declineCall).toMatchObject({
      status: 'DECLINED', endReason: 'DECLINED',
    });
    const again = await executeError(app.url, AnswerCallDocument, { callId: declined.id }, pat);
    expect(again.extensions?.code).toBe('CONFLICT');
    expect(again.extensions?.currentStatus).toBe('DECLINED');
    expect(again.message).toContain('DECLINED');

    const cancelled = await call(ada, ['pat']);
    expect((await execute(app.url, CancelCallDocument, { callId: cancelled.id }, ada)).cancelCall.status).toBe('CANCELLED');
    expect((await executeError(app.url, EndCallDocument, { callId: cancelled.id }, ada)).extensions?.code).toBe('CONFLICT');

    const failed = await call(ada, ['pat']);
    await execute(app.url, AnswerCallDocument, { callId: failed.id }, pat);
    const marked = (await execute(app.url, MarkCallFailedDocument, { callId: failed.id, code: 'ICE_FAILED', message: 'no candidate pair succeeded' }, ada)).markCallFailed;
    expect(marked).toMatchObject({ status: 'FAILED', failureCode: 'ICE_FAILED', endReason: 'FAILED', failureMessage: 'no candidate pair succeeded' });
    // The patient sees the failure code but not the provider's technical note.
    expect((await execute(app.url, GetCallDocument, { id: failed.id }, pat)).call.failureMessage).toBeNull();

    const missed = await call(ada, ['pat']);
    expect((await execute(app.url, MarkCallMissedDocument, { callId: missed.id }, ada)).markCallMissed).toMatchObject({
      status: 'MISSED', endReason: 'NO_ANSWER',
    });
  });

  it('keeps each side to its own moves', async () => {
    const placed = await call(ada, ['pat']);
    expect((await executeError(app.url, CancelCallDocument, { callId: placed.id }, pat)).extensions?.code).toBe('FORBIDDEN');
    expect((await executeError(app.url, AnswerCallDocument, { callId: placed.id }, ada)).extensions?.code).toBe('FORBIDDEN');
    expect((await executeError(app.url, MarkCallFailedDocument, { callId: placed.id, code: 'OTHER' }, pat)).extensions?.code).toBe('FORBIDDEN');
    expect((await executeError(app.url, MarkCallMissedDocument, { callId: placed.id }, pat)).extensions?.code).toBe('FORBIDDEN');
    // Nothing changed.
    expect((await execute(app.url, GetCallDocument, { id: placed.id }, ada)).call.status).toBe('RINGING');
  });

  it('lets exactly one of a racing answer and cancel win', async () => {
    for (let round = 0; round < 10; round++) {
      const placed = await call(ada, ['pat']);
      const [answer, cancel] = await Promise.allSettled([
        execute(app.url, AnswerCallDocument, { callId: placed.id }, pat),
        execute(app.url, CancelCallDocument, { callId: placed.id }, ada),
      ]);
      const winners = [answer, cancel].filter((r) => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      const loser = [answer, cancel].find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(String(loser.reason)).toContain('"code": "CONFLICT"');
      const final = (await execute(app.url, GetCallDocument, { id: placed.id }, ada)).call.status;
      expect(final).toBe(answer.status === 'fulfilled' ? 'ACTIVE' : 'CANCELLED');
    }
  });

  it('returns the same call for a repeated idempotency key, even when the requests race', async () => {
    const input = { idempotencyKey: 'visit-42-attempt-1' };
    const [a, b] = await Promise.all([call(bob, ['sam'], input), call(bob, ['sam'], input)]);
    expect(a.id).toBe(b.id);
    expect((await call(bob, ['sam'], input)).id).toBe(a.id);
    const reused = await executeError(app.url, InitiateCallDocument, { input: { type: 'AUDIO', inviteeIds: ['sam'], ...input } }, bob);
    expect(reused.extensions?.code).toBe('CONFLICT');
    // Another user's identical key is a different call.
    expect((await call(ada, ['sam'], input)).id).not.toBe(a.id);
  });

  it('ends a group call as DECLINED only when every invitee has declined', async () => {
    const placed = await call(ada, ['pat', 'bob']);
    const first = (await execute(app.url, DeclineCallDocument, { callId: placed.id }, pat)).declineCall;
    expect(first.status).toBe('RINGING');
    expect((await executeError(app.url, DeclineCallDocument, { callId: placed.id }, pat)).extensions?.code).toBe('CONFLICT');
    const second = (await execute(app.url, DeclineCallDocument, { callId: placed.id }, bob)).declineCall;
    expect(second.status).toBe('DECLINED');
  });
});

describe('live events over graphql-ws', () => {
  it('rings every open socket of the invitee and streams status changes to participants', async () => {
    const kim = await app.token('kim', 'patient', 'Kim');
    const phone = wsClient(app.wsUrl, kim);
    const laptop = wsClient(app.wsUrl, kim);
    const caller = wsClient(app.wsUrl, ada);
    try {
      await Promise.all([connected(phone), connected(laptop), connected(caller)]);
      const ringPhone = subscribe(phone, IncomingCallDocument, {});
      const ringLaptop = subscribe(laptop, IncomingCallDocument, {});
      const placed = await call(ada, ['kim'], { appointmentId: 'appt-ws' });
      for (const ring of [ringPhone, ringLaptop]) {
        const { data } = await ring.next();
        expect(data?.incomingCall).toMatchObject({ callId: placed.id, type: 'VIDEO', caller: { id: 'ada', name: 'Dr Ada' }, appointmentId: 'appt-ws' });
      }
      const events = subscribe(caller, CallEventsDocument, { callId: placed.id });
      expect((await events.next()).data?.callEvents).toMatchObject({ kind: 'CURRENT_STATUS', status: 'RINGING' });
      await execute(app.url, AnswerCallDocument, { callId: placed.id }, kim);
      expect((await events.next()).data?.callEvents).toMatchObject({
        kind: 'STATUS_CHANGED', previousStatus: 'RINGING', status: 'ACTIVE', actorId: 'kim',
      });
      await execute(app.url, EndCallDocument, { callId: placed.id, reason: 'TECHNICAL_ISSUE' }, ada);
      expect((await events.next()).data?.callEvents).toMatchObject({ status: 'ENDED', reason: 'TECHNICAL_ISSUE', actorId: 'ada' });
    } finally {
      await Promise.all([phone.dispose(), laptop.dispose(), caller.dispose()]);
    }
  });

  it('rings a device that connects while the call is already ringing', async () => {
    const placed = await call(bob, ['lee']);
    const late = wsClient(app.wsUrl, await app.token('lee', 'patient'));
    try {
      const ring = subscribe(late, IncomingCallDocument, {});
      expect((await ring.next()).data?.incomingCall.callId).toBe(placed.id);
    } finally {
      await late.dispose();
    }
  });

  it('refuses callEvents of a call the subscriber is not part of, as if it did not exist', async () => {
    const placed = await call(ada, ['pat']);
    const outsider = wsClient(app.wsUrl, sam);
    try {
      const events = subscribe(outsider, CallEventsDocument, { callId: placed.id });
      const missing = subscribe(outsider, CallEventsDocument, { callId: '00000000-0000-4000-8000-000000000000' });
      const [a, b] = [await events.next(), await missing.next()];
      expect(a.errors?.[0]).toMatchObject({ message: 'call not found', extensions: { code: 'NOT_FOUND' } });
      expect(b.errors?.[0]).toEqual(a.errors?.[0]);
    } finally {
      await outsider.dispose();
    }
  });
});
