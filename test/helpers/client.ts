import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type ExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

type Vars<V> = V extends Record<string, never> ? Record<string, never> | undefined : V;

export interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/** Posts an operation over HTTP and returns the raw response body and status. `headers` are sent as well (e.g. x-request-id). */
export async function post<R, V>(url: string, document: TypedDocumentNode<R, V>, variables?: Vars<V>, token?: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as ExecutionResult<R> & { errors?: GraphQLErrorBody[] };
  return { status: response.status, body };
}

/** Runs an operation that must succeed; on errors, fails with the document and the whole body. */
export async function execute<R, V>(url: string, document: TypedDocumentNode<R, V>, variables: Vars<V>, token?: string, headers?: Record<string, string>): Promise<R> {
  const { status, body } = await post(url, document, variables, token, headers);
  if (body.errors?.length || !body.data) {
    throw new Error(`operation failed (HTTP ${status})\n${print(document)}\nvariables: ${JSON.stringify(variables)}\nbody: ${JSON.stringify(body, null, 2)}`);
  }
  return body.data;
}

/** Runs an operation that must fail, returning its first error (code and message). */
export async function executeError<R, V>(url: string, document: TypedDocumentNode<R, V>, variables: Vars<V>, token?: string, headers?: Record<string, string>): Promise<GraphQLErrorBody & { status: number }> {
  const { status, body } = await post(url, document, variables, token, headers);
  const error = body.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(body)}`);
  return { ...error, status };
}

/** A graphql-ws client authenticated with `token`; `lazy: false` so it connects at once. */
export function wsClient(wsUrl: string, token: string | undefined, onClose?: (code: number, reason: string) => void): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: { closed: (event) => onClose?.((event as { code: number }).code, (event as { reason: string }).reason) },
  });
}

/** Waits for the socket's `connection_ack`. */
export function connected(client: Client, timeoutMs = 5_000): Promise<void> {
  return withDeadline(new Promise<void>((resolve) => client.on('connected', () => resolve())), timeoutMs, 'connection_ack');
}

/**
 * Collects the results of one subscription. `next()` waits, with a deadline, for the next result
 * (data or errors); `ready` resolves once the server has set the subscription up, judged by a
 * follow-up round trip on the same socket.
 */
export function subscribe<R, V>(client: Client, document: TypedDocumentNode<R, V>, variables: Vars<V>) {
  const results: ExecutionResult<R>[] = [];
  const waiters: ((r: ExecutionResult<R>) => void)[] = [];
  let completed = false;
  const dispose = client.subscribe<R>(
    { query: print(document), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        const waiter = waiters.shift();
        if (waiter) waiter(result as ExecutionResult<R>);
        else results.push(result as ExecutionResult<R>);
      },
      error: (error) => {
        const result = { errors: Array.isArray(error) ? error : [{ message: String((error as { reason?: string }).reason ?? error) }] } as ExecutionResult<R>;
        const waiter = waiters.shift();
        if (waiter) waiter(result);
        else results.push(result);
      },
      complete: () => (completed = true),
    },
  );
  return {
    next(timeoutMs = 5_000): Promise<ExecutionResult<R>> {
      const queued = results.shift();
      if (queued) return Promise.resolve(queued);
      return withDeadline(new Promise((resolve) => waiters.push(resolve)), timeoutMs, `next result of ${print(document).split('\n')[0]}`);
    },
    /** Results received and not yet taken. */
    pending: () => results.length,
    get completed() {
      return completed;
    },
    dispose,
  };
}

export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms))),
  ]);
}

/** Runs a query or mutation over the socket (as clients send signals) and resolves with its one result. */
export function request<R, V>(client: Client, document: TypedDocumentNode<R, V>, variables: Vars<V>, timeoutMs = 5_000): Promise<ExecutionResult<R>> {
  return withDeadline(new Promise<ExecutionResult<R>>((resolve, reject) => {
    let result: ExecutionResult<R> | undefined;
    client.subscribe<R>(
      { query: print(document), variables: variables as Record<string, unknown> },
      {
        next: (r) => (result = r as ExecutionResult<R>),
        error: (error) => (Array.isArray(error) ? resolve({ errors: error } as ExecutionResult<R>) : reject(error)),
        complete: () => (result ? resolve(result) : reject(new Error('completed without a result'))),
      },
    );
  }), timeoutMs, `result of ${print(document).split('\n')[0]}`);
}

/** A graphql-ws client for `token` on device `deviceId`. */
export function deviceClient(wsUrl: string, token: string, deviceId: string, onClose?: (code: number, reason: string) => void): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}`, deviceId },
    on: { closed: (event) => onClose?.((event as { code: number }).code, (event as { reason: string }).reason) },
  });
}

/** Device sockets a test opens for its users, all closed by `closeAll()`. */
export class DeviceSockets {
  private readonly open: Client[] = [];

  constructor(private readonly wsUrl: () => string, private readonly tokens: Record<string, string>) {}

  /** A connected socket for `user` on device `device`. */
  async connect(user: string, device: string): Promise<Client> {
    const client = deviceClient(this.wsUrl(), this.tokens[user]!, device);
    this.open.push(client);
    await connected(client);
    return client;
  }

  async closeAll(): Promise<void> {
    for (const client of this.open) await client.dispose();
  }
}

/** A graphql-transport-ws socket spoken by hand, to see exactly which frames the server sends. */
export async function openRawSocket(wsUrl: string, token: string, deviceId: string) {
  const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
  const frames: { id?: string; type: string; payload?: unknown }[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)));
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}`, deviceId } }));
  const until = async (found: () => boolean, what: string, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!found()) {
      if (Date.now() > deadline) throw new Error(`no ${what}; frames: ${JSON.stringify(frames).slice(0, 2_000)}`);
      await new Promise<void>((resolve) => (waiters.push(resolve), setTimeout(resolve, 100)));
    }
  };
  await until(() => frames.some((f) => f.type === 'connection_ack'), 'connection_ack');
  const tcp = (ws as unknown as { _socket: import('node:net').Socket })._socket;
  /** Frames in one write, as a browser's sends of one task leave. */
  const sendTogether = (...messages: object[]) => {
    tcp.cork();
    for (const message of messages) ws.send(JSON.stringify(message));
    tcp.uncork();
  };
  return { ws, tcp, frames, closed, until, sendTogether, of: (id: string) => frames.filter((f) => f.id === id) };
}
