import type { StepOptions } from '../lib/step.js';
import type { Target } from '../targets/target.js';

/** What every mode gets from the command line and the entry point. */
export interface BenchRun {
  /** Concurrent calls of the load, two clients each. */
  calls: number;
  /** Which targets to run, in order: `raw-ws`, `socketio`, `protocol-floor`, `service`, `service-acked`, `service-b`, `protocol-floor-b`. */
  targets: string[];
  step: Omit<StepOptions, 'rate'>;
  /** Starts a target, runs `work` on it, and always closes it. */
  withTarget<T>(name: string, work: (target: Target) => Promise<T>): Promise<T>;
}

/** How the summaries name the targets. */
export const targetLabels: Record<string, string> = {
  'raw-ws': 'raw ws relay',
  socketio: 'Socket.IO relay',
  'protocol-floor': 'graphql-ws protocol floor',
  service: 'service (graphql-ws)',
  'service-acked': 'service, all acknowledged',
  'service-b': 'service, B flags',
  'protocol-floor-b': 'graphql-ws protocol floor, B environment',
};
