import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { createTokenVerifier } from './auth/jwt.js';
import { assertServiceScope } from './auth/service-scope.js';
import type { Viewer } from './auth/viewer.js';
import type { Config } from './config.js';
import { RequestContext, type Context, type ContextServices } from './context.js';
import { devSecret } from './db/dev-secrets.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres.js';
import { openOrm, type Orm } from './db/orm.js';
import { describe, formatError, unauthenticated } from './errors.js';
import { setHeapGrowth } from './heap.js';
import { depthLimit } from './http/depth-limit.js';
import { createHttpHandler } from './http/http-handler.js';
import { attachGraphqlWs } from './http/ws.js';
import { createLogger, type Logger } from './logger.js';
import { openBackplane } from './pubsub/backplane.js';
import { AuditResolver } from './resolvers/audit.resolver.js';
import { CallSubscriptionResolver } from './resolvers/call-subscription.resolver.js';
import { CallResolver } from './resolvers/call.resolver.js';
import { MeResolver } from './resolvers/me.resolver.js';
import { buildAppSchema } from './schema/build.js';
import { AuditQueryService } from './services/audit-query.service.js';
import { AuditService, type RequestMeta } from './services/audit.service.js';
import { CallQueryService } from './services/call-query.service.js';
import { CallTimers } from './services/call-timers.service.js';
import { CallService } from './services/call.service.js';
import { LiveEventsService } from './services/live-events.service.js';
import { createLoaders } from './services/loaders.js';
import { UserService } from './services/user.service.js';
import { CallChanger } from './services/call-change.js';
import { IceService } from './services/ice.service.js';
import { PresenceService } from './services/presence.service.js';
import { RateLimiter } from './services/rate-limiter.js';
import { RoomService } from './services/room.service.js';
import { SignalingService } from './services/signaling.service.js';
import { validDeviceId } from './services/validation.js';
import { SignalingResolver, useFastSignalsResolver } from './resolvers/signaling.resolver.js';
import { SignalRelay } from './signaling/signal-relay.js';
import { recordingRoutes } from './http/recording-routes.js';
import { loadKeyring } from './recording/keyring.js';
import { createObjectStorage } from './recording/storage-factory.js';
import { RecordingResolver } from './resolvers/recording.resolver.js';
import { RecordingAccess } from './services/recording-access.service.js';
import { RecordingMedia } from './services/recording-media.service.js';
import { RecordingRetention } from './services/recording-retention.service.js';
import { RecordingService } from './services/recording.service.js';
import { QualityResolver } from './resolvers/quality.resolver.js';
import { StatsResolver } from './resolvers/stats.resolver.js';
import { QualityService } from './services/quality.service.js';
import { StatsService } from './services/stats.service.js';

export interface BootstrapOptions {
  /** Sees every SQL statement before it runs (tests count them). */
  onQuery?: (sql: string) => void;
  /** Sees every document a socket's operation had to be parsed and validated for (tests count them). */
  onParse?: (query: string) => void;
  logger?: Logger;
}

/** What a running instance hands back: where it listens, its ORM, and how to stop it. */
export interface App {
  /** `http://host:port/graphql` */
  url: string;
  /** `ws://host:port/graphql` */
  wsUrl: string;
  port: number;
  orm: Orm;
  config: Config;
  timers: CallTimers;
  /** Stops accepting work, drains requests and sockets, stops timers, closes the database. */
  close(): Promise<void>;
}

/**
 * The composition root: database (embedded when no DATABASE_URL), migrations, services,
 * schema, HTTP and graphql-ws on one port, timers. `main.ts` and the tests both start here.
 */
export async function bootstrap(config: Config, options: BootstrapOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  // What has been opened, closed in reverse order by close() or when a later step of start fails.
  const closers: (() => Promise<unknown>)[] = [];
  const shutdown = async () => {
    for (const close of closers.reverse()) {
      await close().catch((error: unknown) => logger.error('shutdown step failed', { error: describe(error) }));
    }
  };
  try {
    return await start(config, options, logger, closers, shutdown);
  } catch (error) {
    await shutdown();
    throw error;
  }
}

async function start(
  config: Config,
  options: BootstrapOptions,
  logger: Logger,
  closers: (() => Promise<unknown>)[],
  shutdown: () => Promise<void>,
): Promise<App> {
  const started = Date.now();
  setHeapGrowth(config.heapGrowingPercent);
  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedPostgres(path.join(config.dataDir, 'postgres'), logger);
    closers.push(() => embedded!.stop());
  }
  const orm: Orm = await openOrm(config.databaseUrl ?? embedded!.url, options.onQuery);
  closers.push(() => orm.close(true));
  const secret = config.jwt.kind === 'secret' ? (config.jwt.secret ?? (await devSecret(config.dataDir, 'jwt-secret'))) : undefined;
  const verifier = createTokenVerifier({ ...config.jwt, secret });

  const em = () => orm.em.fork() as EntityManager;
  const { pubsub, signalLog } = await openBackplane(config, logger);
  closers.push(() => pubsub.close(), () => signalLog.close());
  const audit = new AuditService();
  const users = new UserService();
  const changer = new CallChanger(pubsub, audit, logger);
  const presence = new PresenceService({
    em, changer, audit, logger, graceMs: config.presenceGraceMs, reconnectWindowMs: config.reconnectWindowMs, leaseMs: config.presenceLeaseMs,
  });
  const keyring = await loadKeyring(config.recording, config.dataDir);
  const storage = await createObjectStorage(config.recording.storage);
  closers.push(() => storage.close());
  const media = new RecordingMedia({ storage, keyring, logger });
  const recordings = new RecordingService({ em, changer, audit, media, logger, keyring, retentionDays: config.recording.retentionDays });
  closers.push(() => recordings.drain());
  const recordingAccess = new RecordingAccess({
    em, recordings, media, keyring, maxChunks: config.recording.maxChunks, linkTtlSeconds: config.recording.linkTtlSeconds,
    transcriptMaxBytes: config.recording.transcriptMaxBytes,
  });
  const retention = new RecordingRetention({ em, storage, recordings, changer, audit, logger });
  const quality = new QualityService({ em, pubsub, audit, logger, config: config.quality });
  const stats = new StatsService({ audit, em, rollupAfterDays: config.statsRollupAfterDays });
  const timers = new CallTimers({
    em, pubsub, audit, logger, ringTimeoutMs: config.ringTimeoutMs, pollIntervalMs: config.timerPollIntervalMs,
    jobs: [presence.sweepJob, ...retention.jobs, ...quality.jobs, stats.foldJob],
  });
  const calls = new CallService({ pubsub, changer, audit, users, ringTimeoutMs: config.ringTimeoutMs, wakeTimersAt: (at) => timers.wakeAt(at) });
  const live = new LiveEventsService(pubsub, audit);
  const ice = new IceService(config.ice);
  const signaling = new SignalingService({
    em, pubsub, presence, audit, logger, relayOnly: (viewer) => ice.relayOnly(viewer),
    relay: new SignalRelay(signalLog, pubsub),
    limiter: new RateLimiter(config.signalRatePerSecond, config.signalBurst, 'signals'),
  });
  closers.push(() => signaling.close());
  changer.onCommit((callId) => signaling.forget(callId));
  const instances = new Map<unknown, unknown>([
    [MeResolver, new MeResolver(users)],
    [CallResolver, new CallResolver(calls, new CallQueryService(audit))],
    [CallSubscriptionResolver, new CallSubscriptionResolver()],
    [SignalingResolver, new SignalingResolver(signaling, new RoomService(changer), ice)],
    [RecordingResolver, new RecordingResolver(recordings, recordingAccess)],
    [QualityResolver, new QualityResolver(quality)],
    [StatsResolver, new StatsResolver(stats)],
    [AuditResolver, new AuditResolver(new AuditQueryService(audit))],
  ]);
  const schema = await buildAppSchema({ get: (cls) => instances.get(cls) });
  useFastSignalsResolver(schema);

  const services: ContextServices = { live, signaling, quality, fork: em, loaders: createLoaders };
  const contextFor = (viewer: Viewer | null, deviceId: string | null, request: RequestMeta): Context => new RequestContext(services, viewer, deviceId, request);
  const requestMeta = (req: IncomingMessage): RequestMeta => {
    const given = req.headers['x-request-id'];
    return {
      ip: req.socket.remoteAddress ?? null,
      requestId: typeof given === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID(),
    };
  };

  /** The verified bearer of an HTTP request; UNAUTHENTICATED without a valid token. */
  const bearer = async (req: IncomingMessage): Promise<Viewer | null> => {
    const header = req.headers.authorization;
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthenticated('the Authorization header must be "Bearer <token>"');
    return verifier.verify(match[1]!);
  };

  const httpServer = http.createServer();
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 256 * 1024 });
  const wsHandle = attachGraphqlWs(wsServer, {
    schema,
    verifier,
    maxQueryDepth: config.maxQueryDepth,
    connectionInitWaitTimeoutMs: config.wsInitTimeoutMs,
    keepAliveMs: config.wsKeepAliveMs,
    onParse: options.onParse,
    formatError: formatError(logger),
    context: (viewer, deviceId, extra) => contextFor(viewer, deviceId, requestMeta(extra.request)),
  });
  const apollo = new ApolloServer<Context>({
    schema,
    formatError: formatError(logger),
    includeStacktraceInErrorResponses: false,
    introspection: config.nodeEnv !== 'production',
    validationRules: [depthLimit(config.maxQueryDepth)],
    plugins: [
      // No cache hints in this schema, and answers are never cacheable (the handler says no-store):
      // without this, Apollo wraps every field's resolver to collect hints (~0.8 ms of a 50-call page).
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 5_000 }),
      { serverWillStart: async () => ({ drainServer: async () => void (await wsHandle.dispose()) }) },
      { requestDidStart: async () => ({ didResolveOperation: async ({ document, operationName, contextValue }) => assertServiceScope(contextValue.viewer, document, operationName) }) },
      config.nodeEnv === 'production'
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
  });
  closers.push(() => presence.stop());
  await apollo.start();
  closers.push(() => apollo.stop());
  httpServer.on(
    'request',
    createHttpHandler({
      apollo,
      corsOrigins: config.corsOrigins,
      maxRequestBytes: config.maxRequestBytes,
      ready: () => orm.isConnected(),
      context: async (req) => {
        const device = req.headers['x-device-id'];
        const deviceId = typeof device === 'string' ? validDeviceId(device, 'x-device-id') : null;
        return contextFor(await bearer(req), deviceId, requestMeta(req));
      },
      routes: [
        recordingRoutes({
          access: recordingAccess,
          authenticate: async (req) => (await bearer(req)) ?? Promise.reject(unauthenticated()),
          requestMeta,
          maxChunkBytes: config.recording.maxChunkBytes,
          logger,
        }),
      ],
    }),
  );
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  timers.start();
  closers.push(() => timers.stop());
  presence.start();

  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  logger.info('listening', { port, embeddedDatabase: Boolean(embedded), startupMs: Date.now() - started });
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/graphql`,
    wsUrl: `ws://${host}:${port}/graphql`,
    port,
    orm,
    config,
    timers,
    close: () => (closing ??= shutdown()),
  };
}
