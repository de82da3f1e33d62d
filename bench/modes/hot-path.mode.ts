/**
 * Timing spans of the service's signaling hot path, each stage alone and in process, with the
 * real schema, services and database (`npm run bench:signaling -- --hot-path`). What one signal
 * costs the server, stage by stage: the graphql-ws message parse, the document cache lookup, the
 * per-operation context, the sendSignal execution (variables, type-graphql, resolver,
 * SignalingService.send, relay, pub/sub), the per-delivery execution of the `signals` selection,
 * and the JSON of the three frames it sends back. The socket work (ws framing, syscalls), the
 * event loop and GC are not in here: they are in the CPU profile (`--profile`).
 *
 * The service's code comes from its tsc build (bench/lib/build.ts), as in production. The schema
 * is wired the way src/bootstrap.ts wires it (its services are not exported), on the database of
 * an app started through `bootstrap`, where the bench places a real call first.
 */
import 'reflect-metadata';
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, getOperationAST, parse, specifiedRules, validate, type DocumentNode } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { MessageType, parseMessage, stringifyMessage } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import type * as BootstrapModule from '../../src/bootstrap.js';
import type * as ConfigModule from '../../src/config.js';
import type * as ContextModule from '../../src/context.js';
import type { Context, ContextServices } from '../../src/context.js';
import type { Viewer } from '../../src/auth/viewer.js';
import type * as EnumsModule from '../../src/entities/enums.js';
import type * as DepthLimitModule from '../../src/http/depth-limit.js';
import type * as LoggerModule from '../../src/logger.js';
import type * as MemoryPubSubModule from '../../src/pubsub/memory-pubsub.js';
import type * as SignalingResolverModule from '../../src/resolvers/signaling.resolver.js';
import type * as BuildModule from '../../src/schema/build.js';
import type * as AuditModule from '../../src/services/audit.service.js';
import type * as CallChangeModule from '../../src/services/call-change.js';
import type * as IceModule from '../../src/services/ice.service.js';
import type * as LiveEventsModule from '../../src/services/live-events.service.js';
import type * as LoadersModule from '../../src/services/loaders.js';
import type * as PresenceModule from '../../src/services/presence.service.js';
import type * as RateLimiterModule from '../../src/services/rate-limiter.js';
import type * as RoomModule from '../../src/services/room.service.js';
import type * as SignalingServiceModule from '../../src/services/signaling.service.js';
import type * as MemorySignalLogModule from '../../src/signaling/memory-signal-log.js';
import type * as SignalModule from '../../src/signaling/signal.js';
import type * as SignalRelayModule from '../../src/signaling/signal-relay.js';
import type * as RelayPrivacyModule from '../../src/signaling/relay-privacy.js';
import type * as PlainFramesModule from '../../src/http/plain-frames.js';
import { importBuilt } from '../lib/build.js';
import { createDatabase } from '../lib/database.js';
import { tempDir } from '../lib/temp-dirs.js';
import { candidatePayload, marker, offerPayload } from '../lib/payloads.js';
import { fixed, printTable } from '../lib/report.js';
import { placeCall, SEND_SIGNAL, SIGNALS } from '../targets/service-calls.js';
import { serviceEnv } from '../targets/service.target.js';

/** One measured stage: its name, µs per call, and how many times one relayed signal runs it. */
interface Span {
  stage: string;
  microseconds: number;
  perSignal: number;
}

async function time(iterations: number, run: () => unknown): Promise<number> {
  for (let i = 0; i < Math.ceil(iterations / 4); i++) await run();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await run();
  return ((performance.now() - started) * 1000) / iterations;
}

/** Measures each stage `iterations` times (after a quarter as many to warm up) and prints the spans. */
export async function hotPathMode(buildDir: string, adminDatabaseUrl: string, iterations: number): Promise<void> {
  printSpans(await measureHotPath(buildDir, adminDatabaseUrl, iterations));
}

async function measureHotPath(buildDir: string, adminDatabaseUrl: string, iterations: number): Promise<Span[]> {
  const load = <T>(module: string) => importBuilt<T>(buildDir, module);
  const { bootstrap } = await load<typeof BootstrapModule>('bootstrap.js');
  const { loadConfig } = await load<typeof ConfigModule>('config.js');
  const { RequestContext } = await load<typeof ContextModule>('context.js');
  const { Role } = await load<typeof EnumsModule>('entities/enums.js');
  const { depthLimit } = await load<typeof DepthLimitModule>('http/depth-limit.js');
  const { createLogger } = await load<typeof LoggerModule>('logger.js');
  const { MemoryPubSub } = await load<typeof MemoryPubSubModule>('pubsub/memory-pubsub.js');
  const { SignalingResolver } = await load<typeof SignalingResolverModule>('resolvers/signaling.resolver.js');
  const { buildAppSchema } = await load<typeof BuildModule>('schema/build.js');
  const { AuditService } = await load<typeof AuditModule>('services/audit.service.js');
  const { CallChanger } = await load<typeof CallChangeModule>('services/call-change.js');
  const { IceService } = await load<typeof IceModule>('services/ice.service.js');
  const { LiveEventsService } = await load<typeof LiveEventsModule>('services/live-events.service.js');
  const { createLoaders } = await load<typeof LoadersModule>('services/loaders.js');
  const { PresenceService } = await load<typeof PresenceModule>('services/presence.service.js');
  const { RateLimiter } = await load<typeof RateLimiterModule>('services/rate-limiter.js');
  const { RoomService } = await load<typeof RoomModule>('services/room.service.js');
  const { SignalingService } = await load<typeof SignalingServiceModule>('services/signaling.service.js');
  const { MemorySignalLog } = await load<typeof MemorySignalLogModule>('signaling/memory-signal-log.js');
  const { checkPayload, SignalKind } = await load<typeof SignalModule>('signaling/signal.js');
  const { SignalRelay } = await load<typeof SignalRelayModule>('signaling/signal-relay.js');
  const { keepRelayOnly, payloadToRelay } = await load<typeof RelayPrivacyModule>('signaling/relay-privacy.js');
  const { readSendFrame } = await load<typeof PlainFramesModule>('http/plain-frames.js');

  const database = await createDatabase(adminDatabaseUrl);
  const data = await tempDir('vw-calls-hot-path-');
  const app = await bootstrap(loadConfig(serviceEnv(database.url, data.dir)));
  try {
    const call = await placeCall(app.wsUrl, 0);
    for (const socket of call.sockets) socket.close();

    // The signaling side of src/bootstrap.ts, on the app's database.
    const em = () => app.orm.em.fork() as EntityManager;
    const pubsub = new MemoryPubSub();
    const audit = new AuditService();
    const logger = createLogger('warn');
    const changer = new CallChanger(pubsub, audit, logger);
    const presence = new PresenceService({ em, changer, audit, logger, graceMs: 2_000, reconnectWindowMs: 30_000, leaseMs: 15_000 });
    const log = new MemorySignalLog(pubsub, 30_000);
    const relay = new SignalRelay(log, pubsub);
    const ice = new IceService(app.config.ice);
    const signaling = new SignalingService({
      em, pubsub, presence, audit, logger, relayOnly: (viewer) => ice.relayOnly(viewer), relay, limiter: new RateLimiter(1e9, 1e9, 'signals'),
    });
    const resolver = new SignalingResolver(signaling, new RoomService(changer), ice);
    const schema = await buildAppSchema({ get: (cls) => (cls === SignalingResolver ? resolver : undefined) });
    const live = new LiveEventsService(pubsub, audit);

    const viewer = { id: call.callerId, role: Role.PROVIDER, name: call.callerId };
    // Quality is not on the signaling hot path.
    const services: ContextServices = { live, signaling, quality: undefined as never, fork: em, loaders: createLoaders };
    const contextOf = (who: Viewer): Context => new RequestContext(services, who, `dev-${who.id}`, { ip: '127.0.0.1', requestId: randomUUID() });
    // The entity manager and loaders made at once, as a context of graphql-js's execution makes them.
    const contextFor = (): Context => {
      const context = contextOf(viewer);
      void context.loaders;
      return context;
    };
    const ctx = contextFor();
    // The callee is a patient: with TURN configured their candidates pass the relay-only filter.
    const patientCtx = contextOf({ id: call.calleeId, role: Role.PATIENT, name: call.calleeId });
    if (!ice.relayOnly(patientCtx.viewer!)) throw new Error('expected TURN to be configured, so that patients are relay-only');
    const payload = candidatePayload(12_345, marker(1, 1234.5));
    const variables = { input: { callId: call.callId, kind: 'ICE_CANDIDATE', payload } };
    const incoming = JSON.stringify({ id: '123', type: 'subscribe', payload: { query: SEND_SIGNAL, variables } });
    const sendDocument = parse(SEND_SIGNAL);
    const signalsDocument = parse(SIGNALS);
    const rules = [...specifiedRules, depthLimit(app.config.maxQueryDepth)];
    const cache = new Map<string, DocumentNode>([[SEND_SIGNAL, sendDocument], [SIGNALS, signalsDocument]]);
    for (let i = 0; i < 498; i++) cache.set(`query Q${i} { me { id } }`, sendDocument);
    const sendOperation = getOperationAST(sendDocument)!;
    const envelope = await relay.send({ callId: call.callId, from: call.callerId, to: call.calleeId, kind: SignalKind.ICE_CANDIDATE, payload });
    const signalsVariables = { callId: call.callId, afterSeq: 0 };
    const delivered = await execute({ schema, document: signalsDocument, rootValue: envelope, contextValue: ctx, variableValues: signalsVariables });
    if (delivered.errors) throw new Error(`the signals selection failed: ${JSON.stringify(delivered.errors)}`);
    const sent = await execute({ schema, document: sendDocument, contextValue: contextFor(), variableValues: variables });
    if (sent.errors) throw new Error(`sendSignal failed: ${JSON.stringify(sent.errors)}`);
    // A live subscriber on the recipient's inbox, as in a call, drained as it goes.
    const inbox = await pubsub.subscribe(log.topic(call.callId, call.calleeId));
    const drain = async () => {
      for (;;) if ((await inbox.next()).done) return;
    };
    void drain();

    const spans: Span[] = [];
    const span = async (stage: string, perSignal: number, run: () => unknown) =>
      spans.push({ stage, perSignal, microseconds: await time(iterations, run) });
    const incomingBytes = Buffer.from(incoming);
    await span('the lane\'s read of the incoming subscribe, without JSON.parse (readSendFrame)', 1, () => readSendFrame(incomingBytes));
    await span('  (for scale: the lane\'s read of it before, JSON.parse of the frame as text)', 0, () => JSON.parse(incomingBytes.toString('utf8')));
    await span('  (for scale: graphql-ws parseMessage of it, JSON.parse + checks)', 0, () => parseMessage(incoming));
    await span('document cache lookup (src/http/ws.ts, Map.get by query text)', 1, () => cache.get(SEND_SIGNAL));
    await span('  (for scale: parse + validate, what the cache saves)', 0, () => validate(schema, parse(SEND_SIGNAL), rules));
    await span('per-operation context: em.fork() + createLoaders() + randomUUID()', 1, contextFor);
    await span('  of which em.fork()', 0, em);
    await span('  of which createLoaders()', 0, () => createLoaders(ctx.em));
    await span('execute(sendSignal), all of it (context made outside)', 1, () => execute({ schema, document: sendDocument, contextValue: ctx, variableValues: variables }));
    await span('  of which variables coercion (getVariableValues)', 0, () => getVariableValues(schema, sendOperation.variableDefinitions ?? [], variables));
    await span('  of which SignalingService.send (membership, limiter, payload check, relay)', 0, () => signaling.send(ctx, variables.input as never));
    await span('  the same sent by a relay-only patient (adds the relay-only candidate filter)', 0, () => signaling.send(patientCtx, variables.input as never));
    await span('    of which payloadToRelay of the candidate (the check, read without parsing)', 0, () => payloadToRelay(SignalKind.ICE_CANDIDATE, payload, false));
    await span('    of which payloadToRelay of the candidate, relay-only (the check and the rewrite)', 0, () => payloadToRelay(SignalKind.ICE_CANDIDATE, payload, true));
    await span('      (for scale: checkPayload, JSON.parse of the candidate, as a payload in another form gets)', 0, () => checkPayload(SignalKind.ICE_CANDIDATE, payload));
    const offer = offerPayload(marker(1, 1234.5));
    await span('  keepRelayOnly of a ~4 KiB SDP offer (one message in 25 in the load)', 0, () => keepRelayOnly(SignalKind.OFFER, offer));
    await span('    of which relay.send (inbox append + publish to 1 subscriber)', 0, () => relay.send({ callId: call.callId, from: call.callerId, to: call.calleeId, kind: SignalKind.ICE_CANDIDATE, payload }));
    await span('execute of the signals selection for one delivery (mapSourceToResponse)', 1, () =>
      execute({ schema, document: signalsDocument, rootValue: envelope, contextValue: ctx, variableValues: signalsVariables }));
    {
      // An experiment on this in-process schema only: type-graphql resolves every @Arg through an
      // async validateArg, so the `signals` field is a promise on every delivery. A plain
      // synchronous mapping in its place shows what that costs.
      const field = schema.getSubscriptionType()!.getFields().signals!;
      const resolve = field.resolve;
      field.resolve = (e: typeof envelope) => ({ seq: e.seq, epoch: String(e.epoch), callId: e.callId, fromParticipantId: e.from, kind: e.kind, payload: e.payload, sentAt: new Date(e.at) });
      await span('  (experiment: the same with a plain synchronous resolve for the signals field)', 0, () =>
        execute({ schema, document: signalsDocument, rootValue: envelope, contextValue: ctx, variableValues: signalsVariables }));
      field.resolve = resolve;
    }
    const deliveredData = (await execute({ schema, document: signalsDocument, rootValue: envelope, contextValue: ctx, variableValues: signalsVariables })).data;
    const sentData = (await execute({ schema, document: sendDocument, contextValue: ctx, variableValues: variables })).data;
    await span('stringifyMessage: the delivered signal (next)', 1, () => stringifyMessage({ id: '7', type: MessageType.Next, payload: { data: deliveredData } }));
    await span('stringifyMessage: the mutation result (next)', 1, () => stringifyMessage({ id: '123', type: MessageType.Next, payload: { data: sentData } }));
    await span('stringifyMessage: the mutation complete', 1, () => stringifyMessage({ id: '123', type: MessageType.Complete }));
    await span('  (for scale: JSON.parse + JSON.stringify of the bare message, a relay\'s whole job)', 0, () => JSON.stringify(JSON.parse(JSON.stringify({ kind: 'ICE_CANDIDATE', payload }))));
    await inbox.return?.();
    await signaling.close();
    await log.close();
    return spans;
  } finally {
    await app.close();
    await database.drop();
    await data.remove();
  }
}

/** Prints the spans and their sum per relayed signal. */
function printSpans(spans: Span[]): void {
  printTable(['stage (one relayed signal = one row each with x1)', 'µs per call', 'x per signal'], spans.map((s) => [s.stage, fixed(s.microseconds, 2), s.perSignal ? `x${s.perSignal}` : '']));
  const total = spans.reduce((sum, s) => sum + s.microseconds * s.perSignal, 0);
  console.log(`sum of the x1 stages: ${fixed(total, 1)} µs of JavaScript per relayed signal, before ws framing, syscalls, the event loop and GC`);
}
