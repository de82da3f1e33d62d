/**
 * `npm run bench:signaling`: the real signaling service against a raw `ws` relay (the
 * transport's limit) and a Socket.IO room relay (the design it replaces), each in a child
 * process of its own, under the same open-loop load from this process. See bench/README.md.
 */
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { buildService } from './lib/build.js';
import { killAllChildren } from './lib/child.js';
import { setUpPinning } from './lib/pin.js';
import { dropAllDatabases } from './lib/database.js';
import { removeAllTempDirs } from './lib/temp-dirs.js';
import { targetLabels, type BenchRun } from './modes/mode.js';
import { pairedMode } from './modes/paired.mode.js';
import { profileMode } from './modes/profile.mode.js';
import { rampMode } from './modes/ramp.mode.js';
import { startRawWs } from './targets/raw-ws.target.js';
import { startFlags, startService } from './targets/service.target.js';
import { startSocketIo } from './targets/socketio.target.js';
import { startProtocolFloor } from './targets/protocol-floor.target.js';
import type { Target } from './targets/target.js';

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '50' },
    rates: { type: 'string', default: '1000,2000,3000,4000,5000,6000,8000,12000,16000,24000,32000' },
    'step-seconds': { type: 'string', default: '5' },
    'warmup-seconds': { type: 'string', default: '6' },
    'sdp-every': { type: 'string', default: '25' },
    idle: { type: 'string', default: '500' },
    'warm-calls': { type: 'string', default: '25' },
    'reference-rates': { type: 'string', default: '1000,4000' },
    rounds: { type: 'string', default: '1' },
    'p99-bound-ms': { type: 'string', default: '100' },
    'keep-up': { type: 'string', default: '0.95' },
    'drain-ms': { type: 'string', default: '3000' },
    'quiet-wait-ms': { type: 'string', default: '10000' },
    targets: { type: 'string', default: 'raw-ws,socketio,service' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    profile: { type: 'boolean', default: false },
    'profile-rate': { type: 'string', default: '1000' },
    'profile-seconds': { type: 'string', default: '20' },
    'profile-interval-us': { type: 'string', default: '1000' },
    'hot-path': { type: 'boolean', default: false },
    paired: { type: 'boolean', default: false },
    turns: { type: 'string', default: '10' },
    instructions: { type: 'boolean', default: false },
    'instructions-rate': { type: 'string', default: '100' },
    'instructions-seconds': { type: 'string', default: '10' },
    'instructions-windows': { type: 'string', default: '3' },
    'instructions-warmup-seconds': { type: 'string', default: '20' },
    'instructions-keep': { type: 'string' },
    'hot-path-iterations': { type: 'string', default: '20000' },
    'max-minutes': { type: 'string', default: '10' },
    pin: { type: 'string', default: '0:1' },
    'generator-wait': { type: 'string', default: 'spin' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`npm run bench:signaling -- [options]
  --calls 50                   concurrent calls (two clients each)
  --rates 1000,2000,...        offered aggregate rates (messages/s), stepped up until one fails
  --step-seconds 5             length of each step
  --warmup-seconds 6           unmeasured load at the first step's rate before the ramp (the
                               hot path gets compiled), followed by full collections in the
                               server (what setting the calls up left behind)
  --sdp-every 25               every n-th message is a ~4 KiB SDP offer, the rest ~240 B candidates
  --idle 500                   idle listening connections for the memory figure (0 skips it)
  --reference-rates 1000,4000  the steps whose latency and CPU go in the summary
  --rounds 1                   run every target's ramp this many times, the targets taking turns
                               (A B C, B C A, C A B...); the summary gives medians, ranges and the ratios
                               of each round (the same server moves by a quarter between runs)
  --p99-bound-ms 100           a step fails when its p99 is above this...
  --keep-up 0.95               ...or it delivers less than this share of the offered rate
  --quiet-wait-ms 10000        before each step, wait up to this long for other processes to go
                               quiet (the machine may be shared); a step that fails on a busy
                               machine is tried again, 3 times at most
  --targets raw-ws,socketio,service
                               also service-acked: the service with every signal acknowledged
                               (by default its clients send candidates unacknowledged, as
                               docs/SIGNALING.md advises); protocol-floor: the same clients and
                               frames relayed with none of the service's features (what the
                               graphql-ws protocol itself costs); service-b: the service again,
                               with BENCH_SERVICE_B_NODE_ARGS instead of BENCH_SERVICE_NODE_ARGS,
                               and the src/ of BENCH_SERVICE_B_REF when set (an A/B of node flags
                               or of code within each round; compared with service)
                               protocol-floor-b: the floor again, with BENCH_FLOOR_B_ENV
  --database-url URL           PostgreSQL where the service's own database is created and dropped
  --profile                    instead of the ramp: CPU and allocation profiles of each target's
                               server, --profile-seconds at --profile-rate
  --instructions               instead of the ramp: user-space instructions per message of each
                               target, counted by valgrind's callgrind (repeatable, unlike CPU
                               time here): --instructions-windows of --instructions-seconds at
                               --instructions-rate (100) after --instructions-warmup-seconds
                               (20); use --calls 10, setting calls up under valgrind is slow
  --instructions-keep DIR      keep each counted window's callgrind dump in DIR (callgrind_annotate)
  --paired                     instead of the ramp: every target's server up at once, taking
                               turns at each of --reference-rates, one step each per turn (A B,
                               B A, ...), --turns times; each target's ratio to each one named
                               before it, pair by pair (steps seconds apart, not minutes)
  --turns 10                   turns per rate of --paired
  --hot-path                   instead of the ramp: time each stage of the service's hot path in
                               this process, --hot-path-iterations each
  --max-minutes 10             hard limit on the whole run
  --pin 0:1                    CPUs of the load generator and of each server (taskset lists), or
                               off: unpinned, a server's writes wake the generator onto the
                               server's core, where it preempts the server (bench/lib/pin.ts)
  --generator-wait spin        spin: the generator never blocks between sends, so no delivery has
                               to wake it (no client across a network has to be woken by the
                               server); sleep: a 1 ms timer, as before the twelfth session

environment (for experiments on the service alone):
  BENCH_SERVICE_ENV='{"RECONNECT_WINDOW_MS":"1000"}'   extra environment of the service's process (JSON)
  BENCH_SERVICE_NODE_ARGS='--trace-gc --trace-gc-nvp'  extra node/V8 flags of the service's process (after npm start's own)
  BENCH_SERVICE_B_NODE_ARGS='--max-semi-space-size=8'  the same, for the service-b target only
  BENCH_SERVICE_B_ENV='{"TIMER_POLL_INTERVAL_MS":"5000"}'  extra environment of the service-b target only (JSON, after BENCH_SERVICE_ENV)
  BENCH_SERVICE_B_REF=HEAD~1                           the service-b target runs src/ of this git revision (an A/B of code)
  BENCH_FLOOR_B_ENV='{"FLOOR_FEATURES":"log"}'         environment of the protocol-floor-b target (the floor with
                                                       knobs of bench/servers/protocol-floor.server.ts)
  BENCH_NODE_ARGS='--perf-basic-prof'                  extra node/V8 flags of every server's process (before the service's own)`);
  process.exit(0);
}

const num = (name: keyof typeof args) => {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number, got ${JSON.stringify(args[name])}`);
  return value;
};
const list = (name: keyof typeof args) => {
  const values = String(args[name]).split(',').map(Number);
  if (values.some((v) => !Number.isFinite(v) || v <= 0)) throw new Error(`--${name} must be positive numbers, got ${JSON.stringify(args[name])}`);
  return values;
};
const targets = String(args.targets).split(',');
for (const name of targets) {
  if (!targetLabels[name]) throw new Error(`unknown target ${name}; expected some of ${Object.keys(targetLabels).join(',')}`);
}
const adminDatabaseUrl = String(args['database-url']);
const generatorWait = args['generator-wait'];
if (generatorWait !== 'spin' && generatorWait !== 'sleep') throw new Error(`--generator-wait must be spin or sleep, got ${JSON.stringify(generatorWait)}`);

// Everything the run starts is stopped on every way out: children killed, databases dropped,
// temporary directories and the build removed.
let build: Awaited<ReturnType<typeof buildService>> | undefined;
/** The build of BENCH_SERVICE_B_REF's src/, which the service-b target runs instead of this checkout's. */
let buildB: Awaited<ReturnType<typeof buildService>> | undefined;
let cleaningUp: Promise<void> | undefined;
const cleanUp = () => (cleaningUp ??= (async () => {
  killAllChildren();
  await dropAllDatabases();
  await removeAllTempDirs();
  await build?.remove();
  await buildB?.remove();
})());
const abort = (why: string) => {
  console.error(`\nbench aborted: ${why}`);
  void cleanUp().finally(() => process.exit(1));
};
process.once('SIGINT', () => abort('interrupted'));
process.once('SIGTERM', () => abort('terminated'));
setTimeout(() => abort(`still running after --max-minutes ${args['max-minutes']}`), num('max-minutes') * 60_000).unref();

/**
 * Flags every server's node gets (BENCH_NODE_ARGS); the service's then get the flags `npm start`
 * gives it (package.json), then BENCH_SERVICE_NODE_ARGS (or BENCH_SERVICE_B_NODE_ARGS), which may
 * override them (V8 takes the last of a flag).
 */
const everyNodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const flagsOf = (variable: string) => process.env[variable]?.split(' ').filter(Boolean) ?? [];
const startNodeArgs = startFlags();
const serviceNodeArgs = [...everyNodeArgs, ...startNodeArgs, ...flagsOf('BENCH_SERVICE_NODE_ARGS')];
/**
 * The environment a variable holds as JSON: BENCH_FLOOR_B_ENV for the protocol-floor-b target
 * (FLOOR_FEATURES, say), BENCH_SERVICE_B_ENV for service-b only (an A/B of configuration).
 */
const envOf = (variable: string): Record<string, string> => JSON.parse(process.env[variable] ?? '{}') as Record<string, string>;
const starters: Record<string, () => Promise<Target>> = {
  'raw-ws': () => startRawWs(everyNodeArgs),
  socketio: () => startSocketIo(everyNodeArgs),
  'protocol-floor': () => startProtocolFloor(everyNodeArgs),
  service: () => startService({ adminDatabaseUrl, buildDir: build!.dir, nodeArgs: serviceNodeArgs }),
  'service-acked': () => startService({ adminDatabaseUrl, buildDir: build!.dir, acknowledgeAll: true, nodeArgs: serviceNodeArgs }),
  'protocol-floor-b': () => startProtocolFloor(everyNodeArgs, envOf('BENCH_FLOOR_B_ENV'), 'graphql-ws protocol floor, B environment'),
  'service-b': () => startService({ adminDatabaseUrl, buildDir: (buildB ?? build)!.dir, nodeArgs: [...everyNodeArgs, ...startNodeArgs, ...flagsOf('BENCH_SERVICE_B_NODE_ARGS')], env: envOf('BENCH_SERVICE_B_ENV') }),
};

const run: BenchRun = {
  calls: num('calls'),
  targets,
  step: {
    durationMs: num('step-seconds') * 1000,
    sdpEvery: num('sdp-every'),
    drainMs: num('drain-ms'),
    keepUpRatio: num('keep-up'),
    p99BoundMs: num('p99-bound-ms'),
    quietWaitMs: num('quiet-wait-ms'),
    warmupMs: num('warmup-seconds') * 1000,
    generatorWait,
  },
  async withTarget(name, work) {
    const target = await starters[name]!();
    try {
      return await work(target);
    } finally {
      await target.close();
    }
  },
};

try {
  if (!args['hot-path'] && !args.instructions) console.log(`${setUpPinning(String(args.pin))}; the generator ${generatorWait === 'spin' ? 'spins' : 'sleeps'} between sends (--generator-wait)`);
  if (args['hot-path'] || targets.some((name) => name.startsWith('service'))) {
    console.log('building src with tsc -p tsconfig.build.json (the service runs from that build)');
    build = await buildService();
  }
  const refB = process.env.BENCH_SERVICE_B_REF;
  if (refB && targets.includes('service-b')) {
    const commit = execFileSync('git', ['rev-parse', '--short', `${refB}^{commit}`], { encoding: 'utf8' }).trim();
    console.log(`building src of ${refB} (${commit}) for service-b (BENCH_SERVICE_B_REF)`);
    buildB = await buildService(commit);
    targetLabels['service-b'] = `service at ${commit}`;
  }
  if (args['hot-path']) {
    // Imported only here: it loads the service's code into this process.
    const { hotPathMode } = await import('./modes/hot-path.mode.js');
    await hotPathMode(build!.dir, adminDatabaseUrl, num('hot-path-iterations'));
  } else if (args.instructions) {
    const { instructionsMode } = await import('./modes/instructions.mode.js');
    await instructionsMode(run, {
      rate: num('instructions-rate'), durationMs: num('instructions-seconds') * 1000,
      windows: Math.max(1, num('instructions-windows')), warmupMs: num('instructions-warmup-seconds') * 1000,
      keepDir: args['instructions-keep'],
    });
  } else if (args.paired) {
    await pairedMode(run, { rates: list('reference-rates'), turns: Math.max(1, num('turns')) });
  } else if (args.profile) {
    await profileMode(run, { rate: num('profile-rate'), durationMs: num('profile-seconds') * 1000, intervalUs: num('profile-interval-us') });
  } else {
    await rampMode(run, { rates: list('rates'), referenceRates: list('reference-rates'), idleConnections: num('idle'), warmCalls: num('warm-calls'), rounds: Math.max(1, num('rounds')) });
  }
} finally {
  await cleanUp();
}
