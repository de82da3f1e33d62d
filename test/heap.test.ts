import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const heapModule = new URL('../src/heap.ts', import.meta.url).pathname;

/**
 * The growing factor V8 uses at the next full collection after `setHeapGrowth(percent)` was
 * called in a running process, as V8 itself reports it (`--trace-gc-verbose`).
 */
async function factorAfter(percent: number): Promise<string[]> {
  const script = `import { setHeapGrowth } from ${JSON.stringify(heapModule)}; setHeapGrowth(${percent}); globalThis.gc();`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--trace-gc-verbose', '--import', 'tsx', '--input-type=module', '-e', script],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return [...stdout.matchAll(/\[HeapController\] factor (\d+\.\d)/g)].map((match) => match[1]!);
}

describe('heap growth (src/heap.ts)', () => {
  it('sets the factor V8 applies at its next full collection, in a process already running', { timeout: 30_000 }, async () => {
    expect(await factorAfter(200)).toEqual(['3.0']);
    expect(await factorAfter(150)).toEqual(['2.5']);
  });

  it('is 200 percent unless HEAP_GROWING_PERCENT says otherwise, and refuses what is not 0 to 900', () => {
    expect(loadConfig({}).heapGrowingPercent).toBe(200);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '1000' })).toThrow(ConfigError);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: 'lots' })).toThrow(/HEAP_GROWING_PERCENT must be an integer from 0 to 900, got "lots"/);
  });
});
