import { idleCpu, idleMemory, type IdleMemory } from '../lib/idle.js';
import { ramp, type RampResult } from '../lib/ramp.js';
import { Recorder, type StepResult } from '../lib/step.js';
import { describeRun, describeStep, fixed, printTable, spread } from '../lib/report.js';
import { targetLabels, type BenchRun } from './mode.js';

export interface RampOptions {
  /** Offered rates of the steps, messages/s. */
  rates: number[];
  /** The steps whose latency and CPU go in the summary. */
  referenceRates: number[];
  /** Idle listening connections for the memory figure (0 skips it)... */
  idleConnections: number;
  /** ...after this many calls opened first, to warm the server up. */
  warmCalls: number;
  /** Ramps per target, the targets taking turns; the summary gives medians and ranges. */
  rounds: number;
}

interface Outcome {
  name: string;
  round: number;
  memory?: IdleMemory;
  /** Server CPU, in cores, with the load's clients connected and listening but nothing sent. */
  idleCores: number;
  ramp: RampResult;
}

/**
 * The benchmark: for each target, in a fresh server each time, memory per idle listening
 * connection, then the calls of the load and a ramp of open-loop steps up to saturation. Prints
 * every step as it ends, then the summary and the service's ratios to the others.
 */
export async function rampMode(run: BenchRun, options: RampOptions): Promise<void> {
  const started = Date.now();
  const outcomes: Outcome[] = [];
  console.log(describeRun());
  console.log(`bench:signaling  ${run.calls} calls x 2 clients, steps of ${run.step.durationMs / 1000} s at ${options.rates.join(', ')} msg/s, ` +
    `1 SDP (~4 KiB) in ${run.step.sdpEvery} messages, the rest ICE candidates (~240 B)`);
  for (let round = 1; round <= options.rounds; round++) {
    // Each round starts one target further on (A B C, B C A, C A B...): no server is always
    // measured right after the same other one, or always first or last in a round.
    const order = rotated(run.targets, round - 1);
    if (options.rounds > 1) console.log(`\nround ${round} of ${options.rounds}: ${order.join(', ')}`);
    for (const name of order) {
      let memory: IdleMemory | undefined;
      if (options.idleConnections > 0 && round === 1) {
        memory = await run.withTarget(name, (target) => idleMemory(target, options.idleConnections, options.warmCalls));
        console.log(`\n${name}: ${memory.connections} idle listening connections: ${fixed(memory.rssPerConnectionBytes / 1024, 1)} KiB RSS, ` +
          `${fixed(memory.heapPerConnectionBytes / 1024, 1)} KiB heap, ${fixed(memory.heapAndExternalPerConnectionBytes / 1024, 1)} KiB heap + external each ` +
          `(RSS ${fixed(memory.rssBefore / 2 ** 20, 0)} -> ${fixed(memory.rssAfter / 2 ** 20, 0)} MiB)`);
      }
      const { idleCores, result } = await run.withTarget(name, async (target) => {
        const recorder = new Recorder();
        const links = await target.openCalls(run.calls, recorder.deliver);
        const idleCores = await idleCpu(target, 3_000);
        console.log(`${name}: ${links.length} calls open; server CPU with nothing sent: ${fixed(idleCores * 100, 1)}% of a core; ramping`);
        return { idleCores, result: await ramp(target, links, recorder, options.rates, run.step, (step) => console.log(describeStep(step))) };
      });
      outcomes.push({ name, round, memory, idleCores, ramp: result });
    }
  }
  printSummary(outcomes, run, options.referenceRates);
  console.log(`\nfinished in ${fixed((Date.now() - started) / 1000, 0)} s`);
}

/** `list` started `by` places further on, wrapping round. */
function rotated<T>(list: readonly T[], by: number): T[] {
  const at = by % list.length;
  return [...list.slice(at), ...list.slice(0, at)];
}

function printSummary(outcomes: Outcome[], run: BenchRun, referenceRates: number[]): void {
  const names = [...new Set(outcomes.map((o) => o.name))];
  const rounds = [...new Set(outcomes.map((o) => o.round))];
  const of = (name: string) => outcomes.filter((o) => o.name === name);
  const label = (name: string) => targetLabels[name] ?? name;
  const at = (o: Outcome | undefined, rate: number) => o?.ramp.steps.find((s) => s.rate === rate && s.passed);
  const values = (name: string, rate: number, f: (s: StepResult) => number) => of(name).map((o) => at(o, rate)).map((s) => (s ? f(s) : Number.NaN));
  console.log(`\nSummary (saturation: the highest step delivered within ${fixed(run.step.keepUpRatio * 100, 0)}% of the offered rate with p99 <= ` +
    `${run.step.p99BoundMs} ms, ">=" when the ramp or the load generator ran out first; n/a: the server did not pass that step)` +
    (rounds.length > 1 ? `; ${rounds.length} rounds: medians, with the range over the rounds in parentheses` : ''));
  printTable(
    ['server', 'saturation msg/s', 'idle CPU %core', 'RSS KiB/idle conn', 'heap KiB/idle conn'],
    names.map((name) => {
      const memory = of(name).find((o) => o.memory)?.memory;
      return [
        label(name),
        `${of(name).some((o) => o.ramp.saturationIsLowerBound) ? '>= ' : ''}${spread(of(name).map((o) => o.ramp.saturationRate), 0)}`,
        spread(of(name).map((o) => o.idleCores * 100), 1),
        memory ? fixed(memory.rssPerConnectionBytes / 1024, 1) : 'n/a',
        memory ? fixed(memory.heapPerConnectionBytes / 1024, 1) : 'n/a',
      ];
    }),
  );
  printTable(
    ['server', 'offered msg/s', 'p50 ms', 'p99 ms', 'server CPU µs/msg', 'db CPU µs/msg'],
    referenceRates.flatMap((rate) => names.map((name) => [
      label(name), String(rate), spread(values(name, rate, (s) => s.p50Ms), 2), spread(values(name, rate, (s) => s.p99Ms), 2),
      spread(values(name, rate, (s) => s.serverCpuPerMsgUs), 1), spread(values(name, rate, (s) => s.dbCpuPerMsgUs), 1),
    ])),
  );
  // Each server of this project's design against each reference that ran, within each round (the
  // same minutes of the machine), then the median and range of those ratios.
  const pairs = (['service-b', 'service', 'service-acked', 'protocol-floor'] as const).flatMap((subject) =>
    (['service', 'socketio', 'raw-ws', 'protocol-floor'] as const)
      .filter((other) => other !== subject && names.includes(subject) && names.includes(other))
      .filter((other) => other !== 'service' || subject === 'service-b')
      .map((other) => [subject, other] as const));
  if (pairs.length === 0) return;
  const ratios = (subject: string, other: string, f: (o: Outcome) => number | undefined) => rounds.map((round) => {
    const a = f(outcomes.find((o) => o.name === subject && o.round === round)!);
    const b = f(outcomes.find((o) => o.name === other && o.round === round)!);
    return a !== undefined && b !== undefined && b > 0 ? a / b : Number.NaN;
  });
  const memory = (name: string) => of(name).find((o) => o.memory)?.memory?.rssPerConnectionBytes;
  const rows: string[][] = [];
  for (const [subject, other] of pairs) {
    const pair = `${label(subject)} / ${label(other)}`;
    for (const rate of referenceRates) {
      const ratio = (f: (s: StepResult) => number) => spread(ratios(subject, other, (o) => { const s = at(o, rate); return s ? f(s) : undefined; }), 2, 'x');
      rows.push([pair, String(rate), ratio((s) => s.p50Ms), ratio((s) => s.p99Ms), ratio((s) => s.serverCpuPerMsgUs)]);
    }
    const otherMemory = memory(other);
    rows.push([
      pair, 'saturation', '', '', '',
      spread(ratios(subject, other, (o) => o.ramp.saturationRate), 2, 'x') + (of(other).some((o) => o.ramp.saturationIsLowerBound) ? ' (at most)' : ''),
      otherMemory ? `${fixed((memory(subject) ?? Number.NaN) / otherMemory, 2)}x` : 'n/a',
    ]);
  }
  printTable(['ratio', 'at msg/s', 'p50', 'p99', 'server CPU/msg', 'saturation rate', 'RSS/idle conn'], rows);
}
