import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from '../context.js';
import { AppError, ErrorCode, httpStatusOf } from '../errors.js';

export interface HttpHandlerOptions {
  apollo: ApolloServer<Context>;
  /** Builds the per-request context; throws an AppError for a bad token, answered with its code's HTTP status. */
  context: (req: IncomingMessage) => Promise<Context>;
  /** Resolves true when the database answers. */
  ready: () => Promise<boolean>;
  corsOrigins: string[];
  maxRequestBytes: number;
  /** Other routes (recordings' byte endpoints), tried before /graphql; each returns true when it answered. */
  routes?: ((req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>)[];
}

/**
 * The whole HTTP surface on node:http: `/graphql` (Apollo Server, with Sandbox on GET outside
 * production), `/healthz`, `/readyz`, and the extra `routes` (recordings). Bodies over `maxRequestBytes` are refused with 413.
 */
export function createHttpHandler(options: HttpHandlerOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return json(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      const ok = await options.ready().catch(() => false);
      return json(res, ok ? 200 : 503, { status: ok ? 'ready' : 'database unreachable' });
    }
    if (cors(req, res, options.corsOrigins)) return;
    for (const route of options.routes ?? []) if (await route(req, res, url)) return;
    if (url.pathname !== '/graphql') return json(res, 404, { error: 'not found; the API is at /graphql' });

    let body: unknown;
    try {
      body = await readBody(req, options.maxRequestBytes);
    } catch (error) {
      const tooLarge = (error as Error).message === 'too large';
      return json(res, tooLarge ? 413 : 400, {
        errors: [{
          message: tooLarge ? `request body exceeds ${options.maxRequestBytes} bytes` : 'request body must be valid JSON',
          extensions: { code: ErrorCode.BAD_USER_INPUT },
        }],
      });
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    // Apollo answers any error thrown while building the context with 500; a refused token is the
    // client's fault, so its response gets the status of its code (401) instead.
    let refused: AppError | undefined;
    const result = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => {
        try {
          return await options.context(req);
        } catch (error) {
          if (error instanceof AppError) refused = error;
          throw error;
        }
      },
    });
    for (const [key, value] of result.headers) res.setHeader(key, value);
    // Answers carry patient data: no cache along the way may keep them.
    res.setHeader('cache-control', 'no-store');
    res.statusCode = refused ? httpStatusOf(refused.code) : (result.status ?? 200);
    if (refused?.code === ErrorCode.UNAUTHENTICATED) res.setHeader('www-authenticate', 'Bearer');
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

function json(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(payload));
}

/** Sets CORS headers for allowed origins; answers preflights. Returns true when the request is done. */
function cors(req: IncomingMessage, res: ServerResponse, allowed: string[]): boolean {
  const origin = req.headers.origin;
  if (origin && (allowed.includes('*') || allowed.includes(origin))) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'origin');
    res.setHeader('access-control-allow-headers', 'authorization, content-type, apollo-require-preflight, x-request-id, x-device-id, range');
    res.setHeader('access-control-allow-methods', 'GET, POST, PUT, OPTIONS');
    res.setHeader('access-control-expose-headers', 'content-range, accept-ranges, content-length, repr-digest');
    res.setHeader('access-control-max-age', '600');
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(204).end();
    return true;
  }
  return false;
}

async function readBody(req: IncomingMessage, max: number): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) throw new Error('too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new Error('too large');
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (!type.includes('application/json')) return raw;
  return raw === '' ? undefined : JSON.parse(raw);
}
