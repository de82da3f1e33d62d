import { setTimeout as sleep } from 'node:timers/promises';
import type { CallLink, Target } from '../targets/target.js';
import { cpuMicros, machineBusyMicros } from './proc.js';
import { runStep, type Recorder, type StepOptions, type StepResult } from './step.js';

/** Busy time of other processes, in cores, above which a step counts as disturbed. */
const NOISY_CORES = 0.25;

/**
 * CPU used by everything but the server and this process, in cores, over `windowMs`: the machine
 * is shared, and other work on it shows up as latency and lost throughput in the step.
 */
export async function otherLoad(target: Target, windowMs = 500): Promise<number> {
  const machine0 = await machineBusyMicros();
  const server0 = await cpuMicros(target.server.pid);
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(windowMs);
  const self = process.cpuUsage(self0);
  const server = (await cpuMicros(target.server.pid)) - server0;
  const machine = (await machineBusyMicros()) - machine0;
  return Math.max(0, machine - server - self.user - self.system) / 1000 / (performance.now() - t0);
}

/** Waits (at most `maxWaitMs`) until the rest of the machine is below {@link NOISY_CORES}; returns the last reading. */
export async function waitForQuiet(target: Target, maxWaitMs: number): Promise<number> {
  const deadline = performance.now() + maxWaitMs;
  let load = await otherLoad(target);
  while (load > NOISY_CORES && performance.now() < deadline) load = await otherLoad(target);
  return load;
}

/**
 * Runs a step up to `attempts` times while it fails with other processes busy on the machine
 * (it is shared): a pass, or a failure on a quiet machine, is final. Returns the last attempt
 * and how many were made.
 */
export async function runSteadyStep(
  target: Target, links: CallLink[], recorder: Recorder, nextStep: () => number, options: StepOptions, attempts = 3,
): Promise<StepResult & { attempts: number }> {
  let result!: StepResult;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await waitForQuiet(target, options.quietWaitMs);
    result = await runStep(target, links, recorder, nextStep(), options);
    if (result.passed || result.otherCores <= NOISY_CORES || attempt === attempts) return { ...result, attempts: attempt };
    // Let the backlog of the disturbed attempt drain before trying again.
    await sleep(options.drainMs);
  }
  return { ...result, attempts };
}

/**
 * The unmeasured load before the first measured step: `options.warmupMs` at `rate`, long enough
 * for the relaying code to be compiled. Then the garbage of setting the calls up (for the service:
 * GraphQL mutations, ORM work, audit rows) is collected by full collections, so the steps measure
 * relaying, not the aftermath of setup: a server whose heap may grow well past its live size (the
 * service's HEAP_GROWING_PERCENT) would otherwise collect it during a step.
 */
export async function warmUp(
  target: Target, links: CallLink[], recorder: Recorder, step: number, rate: number, options: Omit<StepOptions, 'rate'>,
): Promise<void> {
  await runStep(target, links, recorder, step, { ...options, rate, durationMs: options.warmupMs });
  await target.server.collect();
}

export interface RampResult {
  steps: StepResult[];
  /** The highest step rate that passed, or 0. */
  saturationRate: number;
  /** True when the first failing step (or the last step) was limited by the generator, not the server. */
  saturationIsLowerBound: boolean;
}

/**
 * Steps the offered rate up through `rates` after an unmeasured warm-up, stopping after the
 * first step that fails (the rate before it is the saturation rate).
 */
export async function ramp(
  target: Target,
  links: CallLink[],
  recorder: Recorder,
  rates: number[],
  options: Omit<StepOptions, 'rate'>,
  onStep: (result: StepResult & { attempts: number }) => void,
): Promise<RampResult> {
  let step = 1;
  await warmUp(target, links, recorder, step, rates[0]!, options);
  const steps: StepResult[] = [];
  let saturationRate = 0;
  let saturationIsLowerBound = false;
  for (const [i, rate] of rates.entries()) {
    const result = await runSteadyStep(target, links, recorder, () => ++step, { ...options, rate });
    steps.push(result);
    onStep(result);
    if (!result.passed) {
      saturationIsLowerBound = result.generatorBound;
      break;
    }
    saturationRate = rate;
    if (i === rates.length - 1) saturationIsLowerBound = true;
    // Let a backlog (or the GC debt) of this step settle before the next.
    await sleep(300);
  }
  return { steps, saturationRate, saturationIsLowerBound };
}
