/**
 * Summaries of the V8 profiles the server children write (bench/servers/probes.ts): CPU time and
 * bytes allocated, by stage of the signaling hot path, by package or file, and by function.
 */
import { readFile } from 'node:fs/promises';

/** The parts of a V8 `.cpuprofile` this summary reads. */
interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled time in ms, without the idle time. */
  busyMs: number;
  /** Self time by where the code lives: `src/<file>`, a package, node internals, GC. */
  byPlace: [string, number][];
  /** Self time of the busiest functions. */
  topSelf: [string, number][];
  /** Time inside each function, callees included (within one synchronous stack). */
  topInclusive: [string, number][];
  /** Self time by stage of the signaling hot path (see {@link stageOf}). */
  byStage: [string, number][];
}

type Frame = Profile['nodes'][number]['callFrame'];

const SRC_SEND = /\/src\/(services\/(signaling\.service|rate-limiter|validation)|signaling\/signal|resolvers\/signaling\.resolver|context)\.ts$/;
const SRC_RELAY = /\/src\/(signaling\/(signal-relay|memory-signal-log|signal-log)|pubsub\/[^/]+)\.ts$/;

/**
 * The stage of the hot path (a signal in, a signal out) a sample belongs to: the innermost frame
 * of its stack that names one. Frames of native code, node internals and the ORM say nothing and
 * are skipped up to the code that called them (a `writev` belongs to whoever sent). graphql-js
 * and type-graphql work is one stage: an async resolver's value is completed in a later
 * microtask, whose stack no longer tells the sendSignal mutation from a `signals` delivery
 * (the --hot-path spans split the two).
 */
export function stageOf(stack: Frame[]): string {
  // Set once a frame of the ORM, the loaders or randomUUID was passed on the way up: under the
  // socket's onSubscribe hook that is the per-operation context (V8 inlines bootstrap's
  // contextFor into the hook, so its own frame is often missing from the stack).
  let contextWork = false;
  for (const f of stack) {
    const { url, functionName: fn } = f;
    if (fn === '(garbage collector)') return 'GC';
    if (url.includes('/bench/')) return '(profiler, bench)';
    if (url.includes('/node_modules/ws/lib/sender.js') || (url.includes('/node_modules/ws/lib/websocket.js') && fn === 'send')) return 'ws send: framing + socket write syscall';
    if (url.includes('/node_modules/graphql-ws/')) {
      if (fn === 'parseMessage') return 'graphql-ws parseMessage (JSON.parse + checks)';
      if (fn === 'stringifyMessage') return 'graphql-ws stringifyMessage (JSON.stringify)';
    }
    if (url.endsWith('/src/bootstrap.ts')) return 'per-operation context (em.fork, loaders, request id)';
    if (url.endsWith('/src/http/ws.ts')) return contextWork ? 'per-operation context (em.fork, loaders, request id)' : 'src/http/ws.ts hooks (document cache, onNext)';
    if (url.endsWith('/src/services/loaders.ts') || (fn === 'randomUUID' && url.startsWith('node:'))) {
      contextWork = true;
      continue;
    }
    if (SRC_SEND.test(url)) return 'src resolvers + SignalingService.send';
    if (SRC_RELAY.test(url)) return 'src relay, inbox log, pubsub, iterators';
    if (url.includes('/node_modules/graphql/') && /^(coerceVariableValues|getVariableValues|coerceInputValue|coerceInputValueImpl)$/.test(fn)) {
      return 'graphql-js variables coercion (sendSignal input)';
    }
    if (url.includes('/node_modules/graphql/') || url.includes('/node_modules/type-graphql/') || url.includes('/node_modules/graphql-scalars/')) {
      return 'graphql-js execute + type-graphql (sendSignal and each delivery)';
    }
    if (url.includes('/node_modules/graphql-ws/')) return 'graphql-ws core (routing, emit, await chain)';
    if (url.includes('/node_modules/ws/')) return 'ws receive: socket read + frame parsing';
    if (url.includes('/node_modules/socket.io') || url.includes('/node_modules/engine.io')) return 'socket.io / engine.io';
    if (/\/node_modules\/(@mikro-orm|kysely|pg|pg-pool|pg-protocol|dataloader)\//.test(url)) {
      contextWork = true;
      continue;
    }
  }
  return 'other (event loop, promise plumbing, timers)';
}

/** Where a frame's code lives, for grouping: `src/signaling/signal.ts`, `graphql`, `node:internal`, `(garbage collector)`. */
function placeOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (pkg) {
    // Group graphql by its layer, the rest by package.
    if (pkg[1] === 'graphql') return `graphql/${pkg[2]!.split('/')[0]!.replace(/\.m?js$/, '')}`;
    return pkg[1]!;
  }
  const own = /\/(src|bench)\/(.*)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return 'node:internal';
  return url;
}

const frameKey = (frame: Profile['nodes'][number]['callFrame']) => {
  const place = placeOf(frame.url, frame.functionName);
  return `${frame.functionName || '(anonymous)'} ${place}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
};

/** The service runs from its tsc build under node_modules/.cache (bench/lib/build.ts): name its files as in src/. */
function sourceUrl(url: string): string {
  const built = /\/node_modules\/\.cache\/bench-signaling-[^/]+\/(.*)\.js$/.exec(url);
  return built ? `file:///src/${built[1]}.ts` : url;
}

/** A `.heapprofile` from the sampling heap profiler: a call tree with the bytes allocated at each node. */
interface HeapNode {
  callFrame: Frame;
  selfSize: number;
  children: HeapNode[];
}

export interface AllocationSummary {
  /** Estimated bytes allocated over the window (garbage included). */
  totalBytes: number;
  byStage: [string, number][];
  byPlace: [string, number][];
  topSelf: [string, number][];
}

/** Bytes allocated by stage of the hot path, by place and by function, from a sampling heap profile. */
export async function summarizeAllocations(file: string, top = 25): Promise<AllocationSummary> {
  const { head } = JSON.parse(await readFile(file, 'utf8')) as { head: HeapNode };
  const stages = new Map<string, number>();
  const places = new Map<string, number>();
  const self = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode, stack: Frame[]) => {
    node.callFrame.url = sourceUrl(node.callFrame.url);
    const here = [node.callFrame, ...stack];
    if (node.selfSize > 0) {
      total += node.selfSize;
      const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + node.selfSize);
      add(stages, stageOf(here));
      add(places, placeOf(node.callFrame.url, node.callFrame.functionName));
      add(self, frameKey(node.callFrame));
    }
    for (const child of node.children) walk(child, here);
  };
  walk(head, []);
  const sorted = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { totalBytes: total, byStage: sorted(stages, 100), byPlace: sorted(places, top), topSelf: sorted(self, top) };
}

/** Self and inclusive time per function and per place, from a profile written by `node --cpu-prof`. */
export async function summarizeProfile(file: string, top = 30): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  for (const node of profile.nodes) node.callFrame.url = sourceUrl(node.callFrame.url);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const places = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const stages = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') return;
    busy += ms;
    const key = frameKey(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + ms);
    const place = placeOf(node.callFrame.url, node.callFrame.functionName);
    places.set(place, (places.get(place) ?? 0) + ms);
    const stack: Frame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!.callFrame);
    const stage = stageOf(stack);
    stages.set(stage, (stages.get(stage) ?? 0) + ms);
    const seen = new Set<string>();
    for (const frame of stack) {
      const k = frameKey(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  });
  const sorted = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { busyMs: busy, byPlace: sorted(places, top), topSelf: sorted(self, top), topInclusive: sorted(inclusive, top * 2), byStage: sorted(stages, 100) };
}
