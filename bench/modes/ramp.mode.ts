import { idleCpu, idleMemory, type IdleMemory } from '../lib/idle.js';
import { ramp, type RampResult } from '../lib/ramp.js';
import { Recorder, type StepResult } from '../lib/step.js';
import { describeRun, describeStep, fixed, printTable } from '../lib/report.js';
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
}

interface Outcome {
  name: string;
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
  for (const name of run.targets) {
    let memory: IdleMemory | undefined;
    if (options.idleConnections > 0) {
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
    outcomes.push({ name, memory, idleCores, ramp: result });
  }
  printSummary(outcomes, run, options.referenceRates);
  console.log(`\nfinished in ${fixed((Date.now() - started) / 1000, 0)} s`);
}

function printSummary(outcomes: Outcome[], run: BenchRun, referenceRates: number[]): void {
  const label = (o: Outcome) => targetLabels[o.name] ?? o.name;
  const at = (o: Outcome, rate: number) => o.ramp.steps.find((s) => s.rate === rate && s.passed);
  const cell = (step: StepResult | undefined, f: (s: StepResult) => number, digits: number) => (step ? fixed(f(step), digits) : 'n/a');
  console.log(`\nSummary (saturation: the highest step delivered within ${fixed(run.step.keepUpRatio * 100, 0)}% of the offered rate with p99 <= ` +
    `${run.step.p99BoundMs} ms, ">=" when the ramp or the load generator ran out first; n/a: the server did not pass that step)`);
  printTable(
    ['server', 'saturation msg/s', 'idle CPU %core', 'RSS KiB/idle conn', 'heap KiB/idle conn'],
    outcomes.map((o) => [
      label(o),
      `${o.ramp.saturationIsLowerBound ? '>= ' : ''}${o.ramp.saturationRate}`,
      fixed(o.idleCores * 100, 1),
      o.memory ? fixed(o.memory.rssPerConnectionBytes / 1024, 1) : 'n/a',
      o.memory ? fixed(o.memory.heapPerConnectionBytes / 1024, 1) : 'n/a',
    ]),
  );
  printTable(
    ['server', 'offered msg/s', 'p50 ms', 'p99 ms', 'server CPU µs/msg', 'db CPU µs/msg'],
    referenceRates.flatMap((rate) => outcomes.map((o) => {
      const step = at(o, rate);
      return [label(o), String(rate), cell(step, (s) => s.p50Ms, 2), cell(step, (s) => s.p99Ms, 2), cell(step, (s) => s.serverCpuPerMsgUs, 1), cell(step, (s) => s.dbCpuPerMsgUs, 1)];
    })),
  );
  const service = outcomes.find((o) => o.name === 'service');
  if (!service) return;
  const ratio = (x?: number, y?: number) => (x !== undefined && y !== undefined && y > 0 ? `${fixed(x / y, 2)}x` : 'n/a');
  const rows: string[][] = [];
  for (const other of outcomes.filter((o) => o !== service)) {
    for (const rate of referenceRates) {
      const a = at(service, rate);
      const b = at(other, rate);
      rows.push([`service / ${label(other)}`, String(rate), ratio(a?.p50Ms, b?.p50Ms), ratio(a?.p99Ms, b?.p99Ms), ratio(a?.serverCpuPerMsgUs, b?.serverCpuPerMsgUs)]);
    }
    rows.push([
      `service / ${label(other)}`, 'saturation', '', '', '',
      ratio(service.ramp.saturationRate, other.ramp.saturationRate) + (other.ramp.saturationIsLowerBound ? ' (at most)' : ''),
      ratio(service.memory?.rssPerConnectionBytes, other.memory?.rssPerConnectionBytes),
    ]);
  }
  if (rows.length) printTable(['ratio', 'at msg/s', 'p50', 'p99', 'server CPU/msg', 'saturation rate', 'RSS/idle conn'], rows);
}
