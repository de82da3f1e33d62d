import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const heapModule = fileURLToPath(new URL('../src/heap.ts', import.meta.url));

/**
 * The growing factors V8 reports (`--trace-gc-verbose`) at a full collection run after
 * `setHeapGrowth(p)` for each p of `percents` in turn, in a process started with `nodeArgs`:
 * the factors of the collection after the last call (any limit computed on the way is left out).
 */
async function factorsAfter(percents: number[], nodeArgs: string[] = []): Promise<string[]> {
  const script = `import { setHeapGrowth } from ${JSON.stringify(heapModule)};
    ${percents.map((p) => `setHeapGrowth(${p});`).join(' ')}
    console.log('-- collecting'); globalThis.gc();`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...nodeArgs, '--expose-gc', '--trace-gc-verbose', '--import', 'tsx', '--input-type=module', '-e', script],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const after = stdout.slice(stdout.indexOf('-- collecting'));
  return [...after.matchAll(/\[HeapController\] factor (\d+\.\d)/g)].map((match) => match[1]!);
}

describe('heap growth (src/heap.ts)', () => {
  it('sets the factor V8 applies at its next full collection, in a process already running', { timeout: 30_000 }, async () => {
    const at200 = await factorsAfter([200]);
    expect(at200.length).toBeGreaterThan(0);
    expect(new Set(at200)).toEqual(new Set(['3.0']));
    expect(new Set(await factorsAfter([150]))).toEqual(new Set(['2.5']));
  });

  it('gives the choice back to V8 at 0, and leaves a --heap-growing-percent given to node alone', { timeout: 30_000 }, async () => {
    // V8's own factor depends on its measured speeds (4.0 in a fresh process here); it is not the one set before.
    const back = await factorsAfter([200, 0]);
    expect(back.length).toBeGreaterThan(0);
    expect(back).not.toContain('3.0');
    expect(new Set(await factorsAfter([200], ['--heap-growing-percent=50']))).toEqual(new Set(['1.5']));
  });

  it('is 200 percent unless HEAP_GROWING_PERCENT says otherwise, and refuses what is not 0 to 900', () => {
    expect(loadConfig({}).heapGrowingPercent).toBe(200);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '1000' })).toThrow(ConfigError);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: 'lots' })).toThrow(/HEAP_GROWING_PERCENT must be an integer from 0 to 900, got "lots"/);
  });
});
