import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { StepResult } from './step.js';

/** `value` with `digits` decimals; infinity as `inf`, NaN as `n/a`. */
export function fixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return 'inf';
  return value.toFixed(digits);
}

/** Prints a plain-text table with aligned columns (first column left, the rest right). */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** One line per step: rates, latency, server CPU (and where it went), the rest of the machine, the verdict. */
export function describeStep(s: StepResult & { attempts?: number }): string {
  return `  ${String(s.rate).padStart(6)}/s offered  sent ${fixed(s.sentRate, 0).padStart(6)}/s  delivered ${fixed(s.deliveredRate, 0).padStart(6)}/s` +
    `  p50 ${fixed(s.p50Ms, 2).padStart(7)} ms  p99 ${fixed(s.p99Ms, 2).padStart(8)} ms (SDP ${fixed(s.sdpP99Ms, 2)})  server ${fixed(s.serverCpuPerMsgUs, 1).padStart(6)} µs/msg` +
    ` (${fixed(s.serverCores * 100, 0)}% core, ${fixed(s.serverKernelShare * 100, 0)}% kernel, ${fixed(s.serverReadsPerMsg, 2)} reads + ${fixed(s.serverWritesPerMsg, 2)} writes + ${fixed(s.serverFaultsPerMsg, 2)} page faults + ${fixed(s.serverPreemptionsPerMsg, 3)} preemptions/msg)` +
    `  db ${fixed(s.dbCpuPerMsgUs, 1)} µs/msg  generator ${fixed(s.generatorCores * 100, 0)}% (lag p99 ${fixed(s.generatorLagP99Ms, 1)} max ${fixed(s.generatorLagMaxMs, 1)} ms)  others ${fixed(s.otherCores * 100, 0)}% core` +
    `  loop lag p99 ${fixed(s.loopDelayP99Ms, 1)} max ${fixed(s.loopDelayMaxMs, 1)} ms  scavenge max ${fixed(s.minorGcMaxMs, 1)} ms` +
    `  mark-compact ${s.majorGcs}x max ${fixed(s.majorGcMaxMs, 1)} ms` +
    `${s.attempts && s.attempts > 1 ? `  attempt ${s.attempts}` : ''}` +
    `${s.lost ? `  lost ${s.lost}` : ''}${s.refused ? `  refused ${s.refused} (${s.firstRefusal?.slice(0, 160)})` : ''}` +
    `  ${s.passed ? 'ok' : s.generatorBound ? 'FAIL (generator-bound)' : 'FAIL'}`;
}

/** The date, Node, the cores, and the commit of the code under test (noting uncommitted changes in src/). */
export function describeRun(): string {
  const git = (...gitArgs: string[]) => {
    try {
      return execFileSync('git', gitArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  const dirty = git('status', '--porcelain', '--', 'src') ? ' + uncommitted changes in src/' : '';
  const cpus = os.cpus();
  return `${new Date().toISOString()}  node ${process.version}  ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'})  commit ${commit}${dirty}`;
}

/** The median of `values` (NaN when empty). */
export function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median of `values`, and with several rounds their range: `12.3 (10.1-15.0)`. */
export function spread(values: number[], digits: number, suffix = ''): string {
  const present = values.filter((v) => !Number.isNaN(v));
  if (present.length === 0) return 'n/a';
  const mid = `${fixed(median(present), digits)}${suffix}`;
  return present.length > 1 ? `${mid} (${fixed(Math.min(...present), digits)}-${fixed(Math.max(...present), digits)})` : mid;
}
