import { setTimeout as sleep } from 'node:timers/promises';
import { warmUp } from '../lib/ramp.js';
import { Recorder, runStep, type StepResult } from '../lib/step.js';
import { describeRun, describeStep, fixed, median, printTable } from '../lib/report.js';
import type { CallLink, Target } from '../targets/target.js';
import { targetLabels, type BenchRun } from './mode.js';

export interface PairedOptions {
  /** Offered rates, messages/s: each gets its own series of turns. */
  rates: number[];
  /** Turns per rate: in each, every target gets one step, in an order rotated from turn to turn. */
  turns: number;
}

interface Loaded {
  name: string;
  target: Target;
  links: CallLink[];
  recorder: Recorder;
}

/**
 * The targets side by side rather than one after another: every target's server is started and
 * its calls opened, then at each rate they take turns, one step each per turn (A B, B A, A B...),
 * so the two steps of a pair are seconds apart instead of minutes. On a machine whose speed drifts
 * (a shared VM: bench/README.md, thirteenth and fourteenth sessions), the ratio of each pair is
 * then about the servers, not about the minute. Only one server has load at a time; the others
 * sit with their calls open (their idle CPU is a fraction of a percent of a core).
 *
 * Prints every step, then per rate and for each target against each one named before it: the
 * median ratio of the pairs with its quartiles, and how many pairs came out at or below 1.
 */
export async function pairedMode(run: BenchRun, options: PairedOptions): Promise<void> {
  const started = Date.now();
  console.log(describeRun());
  console.log(`bench:signaling --paired  ${run.calls} calls x 2 clients per server, ${run.targets.join(', ')} taking turns, ` +
    `${options.turns} turns of ${run.step.durationMs / 1000} s steps at each of ${options.rates.join(', ')} msg/s`);
  const loaded: Loaded[] = [];
  const results = new Map<string, StepResult[]>();
  const open = async (index: number): Promise<void> => {
    if (index === run.targets.length) return measure();
    const name = run.targets[index]!;
    await run.withTarget(name, async (target) => {
      const recorder = new Recorder();
      const links = await target.openCalls(run.calls, recorder.deliver);
      await warmUp(target, links, recorder, 1, options.rates[0]!, run.step);
      console.log(`${name}: ${links.length} calls open, warmed up`);
      loaded.push({ name, target, links, recorder });
      await open(index + 1);
    });
  };
  let step = 1;
  const measure = async () => {
    for (const rate of options.rates) {
      for (let turn = 0; turn < options.turns; turn++) {
        const order = loaded.map((_, i) => loaded[(i + turn) % loaded.length]!);
        for (const { name, target, links, recorder } of order) {
          const result = await runStep(target, links, recorder, ++step, { ...run.step, rate });
          console.log(`${name.padEnd(14)} turn ${String(turn + 1).padStart(2)}${describeStep(result)}`);
          const key = `${name}@${rate}`;
          if (!results.has(key)) results.set(key, []);
          results.get(key)!.push(result);
          // Let the step's backlog settle before the next server's step.
          await sleep(300);
        }
      }
    }
  };
  await open(0);
  printPairs(results, run.targets, options);
  console.log(`\nfinished in ${fixed((Date.now() - started) / 1000, 0)} s`);
}

/**
 * The most the rest of the machine may use, in cores, during both steps of a pair for the pair to
 * count as quiet: other processes on this shared VM take up to two thirds of a core at times
 * (bench/README.md, twenty-first and twenty-second sessions), which moves CPU time and p99 more
 * than the servers differ.
 */
const QUIET_CORES = 0.05;

/** The median of `values` and their quartiles: `1.05x [0.98-1.12]`. */
function quartiles(values: number[], suffix: string): string {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return 'n/a';
  const lower = median(sorted.slice(0, sorted.length >> 1));
  const upper = median(sorted.slice((sorted.length + 1) >> 1));
  return sorted.length < 4 ? `${fixed(median(sorted), 2)}${suffix}` : `${fixed(median(sorted), 2)}${suffix} [${fixed(lower, 2)}-${fixed(upper, 2)}]`;
}

function printPairs(results: Map<string, StepResult[]>, names: string[], options: PairedOptions): void {
  if (names.length < 2) return;
  const label = (name: string) => targetLabels[name] ?? name;
  console.log(`\nSummary: each pair is one turn's steps of the two servers, seconds apart; the median ratio of the ${options.turns} pairs ` +
    'with its quartiles in brackets, and how many pairs were at or below 1 (the subject as good as the reference or better); then the same over the quiet pairs only');
  const rows: string[][] = [];
  // Every target against each one before it on the command line: the first is the reference of all.
  const pairsOfNames = names.flatMap((subject, i) => names.slice(0, i).map((reference) => [subject, reference] as const));
  for (const [subject, reference] of pairsOfNames) {
    for (const rate of options.rates) {
      const a = results.get(`${subject}@${rate}`) ?? [];
      const b = results.get(`${reference}@${rate}`) ?? [];
      const all = a.map((s, i) => [s, b[i]] as const).filter((p): p is readonly [StepResult, StepResult] => p[1] !== undefined);
      const quiet = all.filter(([s, r]) => s.otherCores <= QUIET_CORES && r.otherCores <= QUIET_CORES);
      const row = (pairs: (readonly [StepResult, StepResult])[], which: string) => {
        const ratio = (f: (s: StepResult) => number) => pairs.map(([s, r]) => f(s) / f(r));
        const atMostOne = (f: (s: StepResult) => number) => `${ratio(f).filter((v) => v <= 1).length}/${pairs.length}`;
        const cpu = (s: StepResult) => s.serverCpuPerMsgUs;
        const p99 = (s: StepResult) => s.p99Ms;
        rows.push([`${label(subject)} / ${label(reference)}${which}`, String(rate), quartiles(ratio(cpu), 'x'), atMostOne(cpu), quartiles(ratio(p99), 'x'), atMostOne(p99)]);
      };
      row(all, '');
      row(quiet, `, quiet pairs (${quiet.length} of ${all.length})`);
    }
  }
  printTable(['ratio', 'at msg/s', 'server CPU/msg', '<= 1', 'p99', '<= 1'], rows);
  console.log(`quiet pairs: those where the rest of the machine (other processes: "others" in the step lines) used at most ${QUIET_CORES} of a core in both steps`);
}
