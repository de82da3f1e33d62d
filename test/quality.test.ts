import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { levelOf, meanOpinionScore } from '../src/services/quality-score.js';
import {
  CallQualityDocument, EndCallDocument, QualityWarningsDocument, ReportQualityDocument, UpdateMediaStateDocument,
} from './generated/graphql.js';
import { startApp, type TestApp } from './helpers/app.js';
import { connected, execute, executeError, subscribe, wsClient } from './helpers/client.js';
import { activeCall } from './helpers/recording.js';
import { waitFor } from './helpers/wait.js';

let app: TestApp;
let db: pg.Client;
let ada: string; // provider
let pat: string; // patient
let eve: string; // patient in no call here

beforeAll(async () => {
  // Reports as fast as the test sends them; silence noticed after 1 s.
  app = await startApp({ QUALITY_REPORT_MIN_INTERVAL_MS: '0', QUALITY_STALE_AFTER_MS: '1000' });
  db = new pg.Client({ connectionString: app.databaseUrl });
  await db.connect();
  ({ ada, pat, eve } = (await app.signIn([['ada', 'provider'], ['pat', 'patient'], ['eve', 'patient']])) as Record<'ada' | 'pat' | 'eve', string>);
});
afterAll(async () => {
  await db?.end();
  await app?.close();
});

const GOOD = { rttMs: 60, jitterMs: 5, packetLoss: 0, availableOutgoingBitrateKbps: 2500, localCandidateType: 'HOST', remoteCandidateType: 'SRFLX' } as const;
const LOSSY = { ...GOOD, packetLoss: 0.12 };
/** Waits until `n` qualityWarnings subscriptions of the call are open (each writes its audit row once live). */
const subscribed = (callId: string, n: number, database = db) => waitFor(async () => {
  const { rows } = await database.query(`SELECT count(*)::int AS n FROM audit_events WHERE call_id = $1 AND action = 'quality.subscribe' AND outcome = 'SUCCESS'`, [callId]);
  return rows[0].n >= n ? true : undefined;
}, `${n} quality subscriptions`);

const report = (token: string, callId: string, sample: Record<string, unknown>) =>
  execute(app.url, ReportQualityDocument, { input: { callId, ...sample } as never }, token).then((d) => d.reportQuality);

describe('the score', () => {
  it('follows the simplified E-model, worked by hand', () => {
    // rtt 60, jitter 5, no loss: Le = 30 + 10 + 10 = 50 ms; Id = 1.25; R = 91.95;
    // MOS = 1 + 0.035 * 91.95 + 7e-6 * 91.95 * 31.95 * 8.05 = 4.3838...
    expect(meanOpinionScore(60, 5, 0)).toBe(4.38);
    // 12% loss: R = 91.95 - 30 = 61.95; MOS = 1 + 2.16825 + 7e-6 * 61.95 * 1.95 * 38.05 = 3.2000...
    expect(meanOpinionScore(60, 5, 0.12)).toBe(3.2);
    // rtt 600: Le = 300 + 10 + 10 = 320; Id = 20; R = 73.2; MOS = 1 + 2.562 + 7e-6 * 73.2 * 13.2 * 26.8 = 3.7433...
    expect(meanOpinionScore(600, 5, 0)).toBe(3.74);
    expect([4.38, 4.0, 3.6, 3.2, 3.0].map(levelOf)).toEqual(['EXCELLENT', 'GOOD', 'FAIR', 'POOR', 'CRITICAL']);
  });
});

describe('quality warnings', () => {
  it('warn both sides once per change, in order: one bad report never flaps, a burst degrades, recovery restores video', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const sockets = [wsClient(app.wsUrl, ada), wsClient(app.wsUrl, pat)];
    await Promise.all(sockets.map((s) => connected(s)));
    const streams = sockets.map((s) => subscribe(s, QualityWarningsDocument, { callId }));
    try {
      await subscribed(callId, 2);

      const sequence = [GOOD, GOOD, LOSSY, GOOD, LOSSY, LOSSY, LOSSY, GOOD, GOOD, GOOD, GOOD];
      const assessments = [];
      for (const sample of sequence) assessments.push(await report(pat, callId, sample));
      expect(assessments.map((a) => a.level)).toEqual(['EXCELLENT', 'EXCELLENT', 'POOR', 'EXCELLENT', 'POOR', 'POOR', 'POOR', 'EXCELLENT', 'EXCELLENT', 'EXCELLENT', 'EXCELLENT']);
      expect(assessments.map((a) => a.recommendation)).toEqual([
        'NONE', 'NONE', 'NONE', 'NONE', 'NONE', 'SWITCH_TO_AUDIO_ONLY', 'SWITCH_TO_AUDIO_ONLY', 'SWITCH_TO_AUDIO_ONLY', 'SWITCH_TO_AUDIO_ONLY', 'NONE', 'NONE',
      ]);
      expect(assessments[2]!.reasons).toEqual(['HIGH_PACKET_LOSS']);

      // Then ada's own trouble, high latency: a marker that nothing else came in between.
      for (const _ of [1, 2]) await report(ada, callId, { ...GOOD, rttMs: 900 });

      for (const stream of streams) {
        const got = [];
        // Asking a quiet participant for stats (QUALITY_STATS_REQUESTED, tested below) may come in
        // between on a slow run: the warnings and their order are what this test is about.
        while (got.length < 3) {
          const warning = (await stream.next()).data?.qualityWarnings;
          if (warning?.kind !== 'QUALITY_STATS_REQUESTED') got.push(warning);
        }
        expect(got.map((w) => [w?.kind, w?.participantId, w?.reasons, w?.recommendation])).toEqual([
          ['QUALITY_DEGRADED', 'pat', ['HIGH_PACKET_LOSS'], 'SWITCH_TO_AUDIO_ONLY'],
          ['QUALITY_RECOVERED', 'pat', [], 'RESTORE_VIDEO'],
          ['QUALITY_DEGRADED', 'ada', ['HIGH_LATENCY'], 'CHECK_NETWORK'],
        ]);
        expect(got[0]).toMatchObject({ level: 'POOR', mos: 3.2 });
      }
    } finally {
      for (const stream of streams) stream.dispose();
      await Promise.all(sockets.map((s) => s.dispose()));
    }
  });

  it('reads its thresholds from config, and escalates from checking the network to audio only', async () => {
    const strict = await startApp({ QUALITY_REPORT_MIN_INTERVAL_MS: '0', QUALITY_BAD_REPORTS: '3', QUALITY_GOOD_REPORTS: '1', QUALITY_JITTER_WARN_MS: '20' });
    try {
      const t = await strict.signIn([['ada', 'provider'], ['pat', 'patient']]);
      const callId = await activeCall(strict, t.ada!, 'pat', t.pat!);
      const socket = wsClient(strict.wsUrl, t.ada!);
      await connected(socket);
      const warnings = subscribe(socket, QualityWarningsDocument, { callId });
      const strictDb = new pg.Client({ connectionString: strict.databaseUrl });
      await strictDb.connect();
      await subscribed(callId, 1, strictDb);
      await strictDb.end();
      const jittery = { ...GOOD, jitterMs: 30 };
      const starved = { ...GOOD, availableOutgoingBitrateKbps: 100 };
      const assessments = [];
      for (const sample of [jittery, jittery, jittery, starved, GOOD]) {
        assessments.push(await execute(strict.url, ReportQualityDocument, { input: { callId, ...sample } as never }, t.pat).then((d) => d.reportQuality));
      }
      // 30 ms of jitter is fine by default (50 ms) but not here (20); three bad reports warn, not two; one good one is the all-clear.
      expect(assessments.map((a) => [a.reasons, a.recommendation])).toEqual([
        [['HIGH_JITTER'], 'NONE'],
        [['HIGH_JITTER'], 'NONE'],
        [['HIGH_JITTER'], 'CHECK_NETWORK'],
        [['LOW_BANDWIDTH'], 'SWITCH_TO_AUDIO_ONLY'],
        [[], 'NONE'],
      ]);
      // What ada heard: degraded, then worse (audio only), then recovered with video back.
      const heard = [];
      while (heard.length < 3) {
        const warning = (await warnings.next()).data?.qualityWarnings;
        if (warning?.kind !== 'QUALITY_STATS_REQUESTED') heard.push([warning?.kind, warning?.reasons, warning?.recommendation]);
      }
      expect(heard).toEqual([
        ['QUALITY_DEGRADED', ['HIGH_JITTER'], 'CHECK_NETWORK'],
        ['QUALITY_DEGRADED', ['LOW_BANDWIDTH'], 'SWITCH_TO_AUDIO_ONLY'],
        ['QUALITY_RECOVERED', [], 'RESTORE_VIDEO'],
      ]);
      warnings.dispose();
      await socket.dispose();
    } finally {
      await strict.close();
    }
  });

  it('asks a participant who has gone quiet for stats', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const socket = wsClient(app.wsUrl, ada);
    await connected(socket);
    const stream = subscribe(socket, QualityWarningsDocument, { callId });
    try {
      await subscribed(callId, 1);
      await report(ada, callId, GOOD);
      // Pat never reports; ada keeps reporting. Only pat is asked.
      const stop = setInterval(() => void report(ada, callId, GOOD).catch(() => undefined), 200);
      try {
        const asked = (await stream.next(8_000)).data?.qualityWarnings;
        expect(asked).toMatchObject({ kind: 'QUALITY_STATS_REQUESTED', participantId: 'pat', recommendation: 'NONE' });
      } finally {
        clearInterval(stop);
      }
    } finally {
      stream.dispose();
      await socket.dispose();
    }
  });
});

describe('reports', () => {
  it('refuse values out of physical range, callers outside the call, and calls that are not active, with coded errors', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const cases: [Record<string, unknown>, string][] = [
      [{ ...GOOD, rttMs: -1 }, 'rttMs'],
      [{ ...GOOD, packetLoss: 1.5 }, 'packetLoss'],
      [{ ...GOOD, jitterMs: 1e9 }, 'jitterMs'],
      [{ ...GOOD, frameRate: 1000 }, 'frameRate'],
      [{ ...GOOD, packetLoss: null }, 'packetLoss'],
    ];
    for (const [input, field] of cases) {
      const error = await executeError(app.url, ReportQualityDocument, { input: { callId, ...input } as never }, pat);
      expect([field, error.extensions?.code, error.extensions?.field]).toEqual([field, 'BAD_USER_INPUT', field]);
    }
    expect((await executeError(app.url, ReportQualityDocument, { input: { callId, ...GOOD } as never }, eve)).extensions?.code).toBe('NOT_FOUND');
    // Loss from counts: 5 of 100.
    expect((await report(pat, callId, { ...GOOD, packetLoss: undefined, packetsLost: 5, packetsReceived: 95 })).reasons).toEqual(['HIGH_PACKET_LOSS']);
    await execute(app.url, EndCallDocument, { callId }, ada);
    expect((await executeError(app.url, ReportQualityDocument, { input: { callId, ...GOOD } as never }, pat)).extensions).toMatchObject({ code: 'CONFLICT', currentStatus: 'ENDED' });
    expect(Number((await db.query(`SELECT count(*) FROM quality_samples WHERE call_id = $1`, [callId])).rows[0].count)).toBe(1);
  });

  it('are rate limited per participant', async () => {
    const limited = await startApp({ QUALITY_REPORT_MIN_INTERVAL_MS: '60000' });
    try {
      const t = await limited.signIn([['ada', 'provider'], ['pat', 'patient']]);
      const callId = await activeCall(limited, t.ada!, 'pat', t.pat!);
      const first = await execute(limited.url, ReportQualityDocument, { input: { callId, ...GOOD } as never }, t.pat).then((d) => d.reportQuality);
      expect(first.nextReportAfterMs).toBe(60_000);
      const second = await executeError(limited.url, ReportQualityDocument, { input: { callId, ...GOOD } as never }, t.pat);
      expect(second.extensions?.code).toBe('RATE_LIMITED');
      expect(Number(second.extensions?.retryAfterMs)).toBeGreaterThan(50_000);
      // The other participant has a budget of their own.
      await execute(limited.url, ReportQualityDocument, { input: { callId, ...GOOD } as never }, t.ada);
    } finally {
      await limited.close();
    }
  });
});

describe('after the call', () => {
  it('keeps the connection type and a summary per call, and drops raw samples past their retention', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const rtts = [40, 60, 80, 100, 300];
    for (const rttMs of rtts) await report(ada, callId, { ...GOOD, rttMs });
    const relayed = { ...GOOD, localCandidateType: 'RELAY', remoteCandidateType: 'HOST' };
    await report(pat, callId, { ...relayed, packetLoss: 0.02 });
    // Pat turns her camera off: her next reports count as audio-only time.
    await execute(app.url, UpdateMediaStateDocument, { input: { callId, audio: true, video: false, screen: false } }, pat);
    await db.query(`UPDATE participant_quality SET last_report_at = now() - interval '10 seconds' WHERE call_id = $1 AND user_id = 'pat'`, [callId]);
    await report(pat, callId, relayed);
    await db.query(`UPDATE participant_quality SET last_report_at = now() - interval '5 seconds' WHERE call_id = $1 AND user_id = 'pat'`, [callId]);
    await report(pat, callId, relayed);

    const live = (await execute(app.url, CallQualityDocument, { id: callId }, ada)).call;
    expect(live.connectionType).toBe('RELAY');
    expect(Object.fromEntries(live.participants.map((p) => [p.user.id, p.connectionType]))).toEqual({ ada: 'P2P', pat: 'RELAY' });
    expect(live.qualitySummary).toBeNull();

    await execute(app.url, EndCallDocument, { callId }, ada);
    const summary = await waitFor(async () => (await execute(app.url, CallQualityDocument, { id: callId }, pat)).call.qualitySummary ?? undefined, 'the quality summary');
    const allRtts = [...rtts, 60, 60, 60].sort((a, b) => a - b);
    // percentile_cont(0.95) over 8 values: position 0.95 * 7 = 6.65 between the 7th and 8th.
    const p95 = allRtts[6]! + 0.65 * (allRtts[7]! - allRtts[6]!);
    expect(summary).toMatchObject({ samples: 8, worstPacketLoss: expect.closeTo(0.02, 5), connectionType: 'RELAY', audioOnlyMs: expect.closeTo(15_000, -3) });
    expect(summary.p95RttMs).toBeCloseTo(p95, 3);
    const scores = [...rtts.map((rtt) => meanOpinionScore(rtt, 5, 0)), meanOpinionScore(60, 5, 0.02), meanOpinionScore(60, 5, 0), meanOpinionScore(60, 5, 0)];
    expect(summary.worstMos).toBeCloseTo(Math.min(...scores), 5);
    expect(summary.averageMos).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / scores.length, 2);
    expect(summary.worstLevel).toBe(levelOf(Math.min(...scores)));

    await db.query(`UPDATE quality_samples SET reported_at = now() - interval '200 hours' WHERE call_id = $1`, [callId]);
    await app.timers.tick();
    expect(Number((await db.query(`SELECT count(*) FROM quality_samples WHERE call_id = $1`, [callId])).rows[0].count)).toBe(0);
    expect((await execute(app.url, CallQualityDocument, { id: callId }, ada)).call.qualitySummary).toEqual(summary);
  });
});
