import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallLink, Target } from '../targets/target.js';
import { candidatePayload, marker, offerPayload, readMarker } from './payloads.js';
import { pinDatabaseBackends } from './pin.js';
import { machineBusyMicros, postgresCpuBetween, postgresCpuByPid, processUsage } from './proc.js';
import { percentile, sortSamples } from './stats.js';

/** Collects what the clients receive during one step: latencies of that step's messages only. */
export class Recorder {
  step = 0;
  samples = new Float64Array(0);
  count = 0;
  /** The latencies of the SDP offers alone (every `sdpEvery`-th message), to tell their tail from the candidates'. */
  sdpSamples = new Float64Array(0);
  sdpCount = 0;
  /** Deliveries of this step that arrived while it was still sending. */
  inWindow = 0;
  /** Deliveries of earlier steps (or probes) that arrived during this one. */
  stale = 0;
  sending = false;

  begin(step: number, expected: number): void {
    this.step = step;
    if (this.samples.length < expected) this.samples = new Float64Array(expected);
    if (this.sdpSamples.length < expected) this.sdpSamples = new Float64Array(expected);
    this.count = 0;
    this.sdpCount = 0;
    this.inWindow = 0;
    this.stale = 0;
    this.sending = true;
  }

  readonly deliver = (payload: string): void => {
    const now = performance.now();
    const mark = readMarker(payload);
    if (!mark || mark.step !== this.step) {
      this.stale++;
      return;
    }
    if (this.count < this.samples.length) this.samples[this.count++] = now - mark.sentAt;
    if (payload.startsWith('v=0') && this.sdpCount < this.sdpSamples.length) this.sdpSamples[this.sdpCount++] = now - mark.sentAt;
    if (this.sending) this.inWindow++;
  };
}

export interface StepOptions {
  /** Aggregate messages per second over all calls and both directions. */
  rate: number;
  durationMs: number;
  /** Every `sdpEvery`-th message is a ~4 KiB SDP offer, the rest ~200 B candidates. */
  sdpEvery: number;
  /** How long to wait, after the last send, for the stragglers. */
  drainMs: number;
  /** A step passes when it delivers at least this share of the offered rate... */
  keepUpRatio: number;
  /** ...and its p99 latency stays at or below this. */
  p99BoundMs: number;
  /** How long to wait, before a step, for other processes on the machine to quieten down. */
  quietWaitMs: number;
  /** The unmeasured load before the first step, at its rate (ramp only). */
  warmupMs: number;
  /**
   * How the generator waits between its sends. `sleep`: a 1 ms timer, so it sleeps in between and
   * each delivery that finds it asleep costs the server's write a wake-up of it (IPI and all),
   * which no client across a network costs. `spin`: it never blocks (setImmediate), so it is never
   * asleep when a delivery comes; its core is busy throughout (bench/README.md, twelfth session).
   */
  generatorWait: 'spin' | 'sleep';
}

export interface StepResult {
  rate: number;
  sent: number;
  /** The rate the generator actually managed to send at. */
  sentRate: number;
  /** Deliveries per second while sending. */
  deliveredRate: number;
  received: number;
  lost: number;
  refused: number;
  firstRefusal?: string;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** p99 of the SDP offers alone (delivered ones; NaN when none were). */
  sdpP99Ms: number;
  /** Server CPU time per delivered message, µs (process user + system, from /proc). */
  serverCpuPerMsgUs: number;
  /** Server CPU / wall time over the step, 1.0 = one core busy. */
  serverCores: number;
  /** The server's event-loop delay over the step (how late its timers fire), ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** The server's longest scavenge, its mark-compacts and the longest of those, ms. */
  minorGcMaxMs: number;
  majorGcs: number;
  majorGcMaxMs: number;
  /** Share of the server's CPU time spent in the kernel (socket syscalls, loopback TCP). */
  serverKernelShare: number;
  /** Socket read and write syscalls of the server per delivered message (from /proc/<pid>/io). */
  serverReadsPerMsg: number;
  serverWritesPerMsg: number;
  /** The server's minor page faults per delivered message: each is kernel time the syscalls do not show. */
  serverFaultsPerMsg: number;
  /** Times the server's main thread was preempted, per delivered message (`preemptions` of bench/lib/proc.ts's ProcessUsage). */
  serverPreemptionsPerMsg: number;
  /** CPU per delivered message, µs, of the PostgreSQL backends of the server's own database (NaN for the relays). */
  dbCpuPerMsgUs: number;
  /** Load generator CPU / wall time (1.0 = one core); near 1 the generator, not the server, is the limit. */
  generatorCores: number;
  /**
   * The generator's own event-loop delay over the step, ms: a receipt it timestamps late by this
   * much reads as that much more latency, for every server alike.
   */
  generatorLagP99Ms: number;
  generatorLagMaxMs: number;
  /**
   * CPU the rest of the machine used meanwhile (other processes: the machine is shared), in cores.
   * The machine has 2; above a fraction of one, latency and saturation are not the server's alone.
   */
  otherCores: number;
  passed: boolean;
  /** The generator could not send at the asked rate or was busy on its core: the result is a lower bound. */
  generatorBound: boolean;
}

/**
 * One open-loop step: sends `rate` messages a second for `durationMs`, spread round-robin over
 * every call and both of its directions, whether or not earlier ones were answered, then waits
 * (at most `drainMs`) for the deliveries. Bounded by count and by time.
 */
export async function runStep(target: Target, links: CallLink[], recorder: Recorder, step: number, options: StepOptions): Promise<StepResult> {
  const total = Math.max(1, Math.round((options.rate * options.durationMs) / 1000));
  const refusedBefore = target.sendErrors().count;
  const dbCpu = async () => (target.database ? postgresCpuByPid(target.database) : undefined);
  const db0 = await dbCpu();
  if (db0) pinDatabaseBackends(db0.keys());
  target.server.resetPauses();
  const server0 = await processUsage(target.server.pid);
  const machine0 = await machineBusyMicros();
  const gen0 = process.cpuUsage();
  const generatorLag = monitorEventLoopDelay({ resolution: 1 });
  generatorLag.enable();
  const t0 = performance.now();
  recorder.begin(step, total);
  let sent = 0;
  const hardStop = t0 + options.durationMs * 2 + 1_000;
  while (sent < total) {
    const now = performance.now();
    if (now > hardStop) break;
    const due = Math.min(total, Math.floor(((now - t0) * options.rate) / 1000));
    while (sent < due) {
      const link = links[sent % links.length]!;
      const side = (Math.floor(sent / links.length) % 2) as 0 | 1;
      const mark = marker(step, performance.now());
      if (sent % options.sdpEvery === options.sdpEvery - 1) link.send(side, 'OFFER', offerPayload(mark));
      else link.send(side, 'ICE_CANDIDATE', candidatePayload(sent, mark));
      sent++;
    }
    if (options.generatorWait === 'spin') await new Promise((resolve) => setImmediate(resolve));
    else await sleep(1);
  }
  const sendEnd = performance.now();
  recorder.sending = false;
  while (recorder.count + (target.sendErrors().count - refusedBefore) < sent && performance.now() - sendEnd < options.drainMs) await sleep(5);
  const t1 = performance.now();
  const gen = process.cpuUsage(gen0);
  generatorLag.disable();
  const machine1 = await machineBusyMicros();
  const server1 = await processUsage(target.server.pid);
  const pauses = await target.server.pauses();
  const db1 = await dbCpu();
  const cpu0 = server0.userMicros + server0.systemMicros;
  const cpu1 = server1.userMicros + server1.systemMicros;
  const dbMicros = db0 && db1 ? postgresCpuBetween(db0, db1) : Number.NaN;

  const errors = target.sendErrors();
  const refused = errors.count - refusedBefore;
  const received = recorder.count;
  const lost = Math.max(0, sent - received);
  sortSamples(recorder.samples, received);
  sortSamples(recorder.sdpSamples, recorder.sdpCount);
  const sendSeconds = (sendEnd - t0) / 1000;
  const wallSeconds = (t1 - t0) / 1000;
  const sentRate = sent / sendSeconds;
  const deliveredRate = recorder.inWindow / sendSeconds;
  const p99Ms = percentile(recorder.samples, received, lost, 0.99);
  const generatorCores = (gen.user + gen.system) / 1e6 / wallSeconds;
  // A spinning generator is busy by design; whether it kept up is then what tells.
  const generatorBound = sentRate < options.rate * options.keepUpRatio || sent < total || (options.generatorWait === 'sleep' && generatorCores > 0.9);
  return {
    rate: options.rate,
    sent,
    sentRate,
    deliveredRate,
    received,
    lost,
    refused,
    firstRefusal: refused > 0 ? errors.first : undefined,
    p50Ms: percentile(recorder.samples, received, lost, 0.5),
    p99Ms,
    maxMs: lost > 0 ? Number.POSITIVE_INFINITY : received > 0 ? recorder.samples[received - 1]! : Number.NaN,
    sdpP99Ms: recorder.sdpCount > 0 ? percentile(recorder.sdpSamples, recorder.sdpCount, 0, 0.99) : Number.NaN,
    serverCpuPerMsgUs: received > 0 ? (cpu1 - cpu0) / received : Number.NaN,
    serverCores: (cpu1 - cpu0) / 1e6 / wallSeconds,
    loopDelayP99Ms: pauses.loopDelayP99Ms,
    loopDelayMaxMs: pauses.loopDelayMaxMs,
    minorGcMaxMs: pauses.minorGcMaxMs,
    majorGcs: pauses.majorGcCount,
    majorGcMaxMs: pauses.majorGcMaxMs,
    serverKernelShare: (server1.systemMicros - server0.systemMicros) / (cpu1 - cpu0),
    serverReadsPerMsg: received > 0 ? (server1.readCalls - server0.readCalls) / received : Number.NaN,
    serverWritesPerMsg: received > 0 ? (server1.writeCalls - server0.writeCalls) / received : Number.NaN,
    serverFaultsPerMsg: received > 0 ? (server1.minorFaults - server0.minorFaults) / received : Number.NaN,
    serverPreemptionsPerMsg: received > 0 ? (server1.preemptions - server0.preemptions) / received : Number.NaN,
    dbCpuPerMsgUs: received > 0 ? dbMicros / received : Number.NaN,
    generatorCores,
    generatorLagP99Ms: generatorLag.percentile(99) / 1e6,
    generatorLagMaxMs: generatorLag.max / 1e6,
    otherCores: Math.max(0, machine1 - machine0 - (cpu1 - cpu0) - (gen.user + gen.system) - (Number.isNaN(dbMicros) ? 0 : dbMicros)) / 1e6 / wallSeconds,
    passed: sent === total && deliveredRate >= options.rate * options.keepUpRatio && lost <= sent * 0.001 && p99Ms <= options.p99BoundMs,
    generatorBound,
  };
}
