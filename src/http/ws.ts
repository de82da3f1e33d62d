import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { randomUUID } from 'node:crypto';
import { execute, GraphQLError, parse, specifiedRules, subscribe, validate, type DocumentNode } from 'graphql';
import { executeFast, planFor, subscribeFast, type FastPlan } from './signal-fast-path.js';
import { signalLane, type LaneSocketState } from './signal-lane.js';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { TokenVerifier } from '../auth/jwt.js';
import { assertServiceScope } from '../auth/service-scope.js';
import { Role } from '../entities/enums.js';
import type { Viewer } from '../auth/viewer.js';
import { GENERATED_DEVICE, type Context } from '../context.js';
import { AppError } from '../errors.js';
import { depthLimit } from './depth-limit.js';
import { keepAlive } from './keep-alive.js';

export interface WsOptions {
  schema: GraphQLSchema;
  verifier: TokenVerifier;
  maxQueryDepth: number;
  /** Builds the context of one operation for an authenticated socket. */
  context: (viewer: Viewer, deviceId: string, extra: Extra) => Context;
  /** Formats each error as Apollo Server formats HTTP errors (codes kept, the unexpected masked). */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** How long a socket may stay open without `connection_init` (graphql-ws closes it with 4408). */
  connectionInitWaitTimeoutMs: number;
  /** How often each socket is pinged; one that has not answered when its next ping is due is terminated (src/http/keep-alive.ts). */
  keepAliveMs: number;
  /** Sees each document parsed and validated (a miss of the document cache). */
  onParse?: (query: string) => void;
}

type SocketState = {
  viewer?: Viewer;
  deviceId?: string;
};

/** A client's own device id; never with a colon, which tells the ids the server makes up (GENERATED_DEVICE). */
const DEVICE_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * graphql-ws waits for each frame to be written before it sends the next. This hands frames to
 * `ws` without waiting: each leaves at once, in order. Frames known to go together are corked
 * into one write where they are sent (the signaling lane's `next` and `complete`). Deliveries are
 * not held back to share a write: a cork kept until the microtasks of the read had run saved no
 * write in the bench, and paired against this its CPU per signal was the same within the noise
 * (bench/README.md, fifteenth session). A failed write still surfaces as the socket's error or close.
 */
function sendWithoutWaiting(socket: WebSocket): void {
  const send = socket.send.bind(socket) as (data: unknown) => void;
  // ws's send(data, options?, callback?): the callback is the last function given, if any.
  socket.send = ((data: unknown, options?: unknown, cb?: unknown) => {
    send(data);
    if (typeof options === 'function') options();
    else if (typeof cb === 'function') cb();
  }) as WebSocket['send'];
}

/** Whether the socket's token has expired (a socket is checked on every subscribe too). */
const hasExpired = (viewer: Viewer | undefined) => viewer?.expiresAt !== undefined && viewer.expiresAt <= Date.now();

/** Closes the socket with 4403 when its token expires: a socket is only as good as its token. */
function closeWhenExpired(socket: WebSocket, expiresAt: number | undefined): void {
  if (expiresAt === undefined) return;
  // setTimeout holds at most about 24.8 days; a token living longer is checked on each subscribe anyway.
  const delay = Math.min(expiresAt - Date.now(), 2_147_483_647);
  const timer = setTimeout(() => socket.close(4403, 'Forbidden: token expired'), Math.max(0, delay));
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** Most distinct documents kept parsed and validated; clients send the same few over and over. */
const DOCUMENT_CACHE_SIZE = 500;

/**
 * graphql-ws on `wsServer`. The socket authenticates once, with `connectionParams.authorization`
 * (`Bearer <jwt>` or the bare token); a missing or invalid token closes it with 4403. Documents
 * are parsed and validated once and then served from a cache, not on every message.
 */
export function attachGraphqlWs(wsServer: WebSocketServer, options: WsOptions) {
  const cache = new Map<string, DocumentNode | readonly GraphQLError[]>();
  const plans = new WeakMap<DocumentNode, FastPlan | null>();
  const rules = [...specifiedRules, depthLimit(options.maxQueryDepth)];
  const documentFor = (query: string): DocumentNode | readonly GraphQLError[] => {
    const hit = cache.get(query);
    if (hit) return hit;
    let result: DocumentNode | readonly GraphQLError[];
    options.onParse?.(query);
    try {
      const document = parse(query);
      const errors = validate(options.schema, document, rules);
      result = errors.length > 0 ? errors : document;
      if (errors.length === 0) plans.set(document, planFor(document));
    } catch (error) {
      result = [error instanceof GraphQLError ? error : new GraphQLError('could not parse the document')];
    }
    if (cache.size >= DOCUMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(query, result);
    return result;
  };
  const format = (errors: readonly GraphQLError[]) =>
    errors.map((error) => options.formatError(error.toJSON(), error));
  const planOf = (query: string) => {
    const document = documentFor(query);
    return 'kind' in document ? (plans.get(document) ?? null) : null;
  };

  // graphql-ws's state of each socket, once it has one (onConnect), for the signaling lane.
  const states = new WeakMap<WebSocket, LaneSocketState & { extra: SocketState & Extra }>();
  wsServer.on('connection', (socket: WebSocket) => {
    sendWithoutWaiting(socket);
    const state = () => states.get(socket);
    /** The socket's viewer, set once by onConnect. */
    let viewer: Viewer | undefined;
    const lane = signalLane(socket, state, {
      schema: options.schema,
      planOf,
      format,
      admits: () => {
        viewer ??= state()?.extra.viewer;
        return !!viewer && viewer.role !== Role.SERVICE && !hasExpired(viewer);
      },
      context: () => {
        const { extra } = state()!;
        return options.context(extra.viewer!, extra.deviceId!, extra);
      },
    });
    // Frames the lane takes never reach graphql-ws's listener; this runs before it.
    const emit = socket.emit;
    socket.emit = function (this: WebSocket, event: string | symbol, data?: unknown) {
      if (event === 'message' && lane(data)) return true;
      // Passed on as given, with no array made per frame.
      return emit.apply(this, arguments as unknown as Parameters<WebSocket['emit']>);
    } as WebSocket['emit'];
  });

  const stopKeepAlive = keepAlive(wsServer, options.keepAliveMs);
  const graphqlWs = useServer<Record<string, unknown>, SocketState>(
    {
      schema: options.schema,
      execute: (args) => {
        const plan = plans.get(args.document);
        return plan ? executeFast(options.schema, plan, args) : execute(args);
      },
      subscribe: (args) => {
        const plan = plans.get(args.document);
        return plan ? subscribeFast(options.schema, plan, args) : subscribe(args);
      },
      // Never put an unexpected error's message in a close reason, whatever NODE_ENV says.
      isProd: true,
      connectionInitWaitTimeout: options.connectionInitWaitTimeoutMs,
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        if (typeof raw !== 'string') return false;
        const device = ctx.connectionParams?.deviceId;
        // A bad deviceId is refused like a bad token: the socket could not be told apart from another device.
        if (device !== undefined && (typeof device !== 'string' || !DEVICE_ID.test(device))) return false;
        try {
          const viewer = await options.verifier.verify(raw.replace(/^Bearer\s+/i, ''));
          ctx.extra.viewer = viewer;
          ctx.extra.deviceId = typeof device === 'string' ? device : `${GENERATED_DEVICE}${randomUUID()}`;
          states.set(ctx.extra.socket, ctx as unknown as LaneSocketState & { extra: SocketState & Extra });
          closeWhenExpired(ctx.extra.socket, viewer.expiresAt);
          return true;
        } catch (error) {
          if (error instanceof AppError) return false;
          throw error;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        if (hasExpired(ctx.extra.viewer)) {
          return [new GraphQLError('invalid token: it has expired; reconnect with a fresh one', { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        const document = documentFor(payload.query);
        if (!('kind' in document)) return document;
        try {
          assertServiceScope(ctx.extra.viewer ?? null, document, payload.operationName);
        } catch (error) {
          return [error as GraphQLError];
        }
        return {
          schema: options.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: options.context(ctx.extra.viewer!, ctx.extra.deviceId!, ctx.extra as Extra),
        };
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
    },
    wsServer,
    // Its own keep-alive is off: src/http/keep-alive.ts pings every socket, spread over the interval.
    0,
  );
  return {
    dispose: async () => {
      stopKeepAlive();
      await graphqlWs.dispose();
    },
  };
}
